"""Who owns a parcel, in which shares: one versioned record per parcel (eigendom).

The record lives on its own ledger key, so that key's history is exactly the parcel's ownership
history; `version` counts its states and orders them independently of the ledger's iteration order.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from fractions import Fraction
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from .errors import ErrorCode, RegistryError
from .ids import Identifier
from .page import Page
from .shares import Share, format_fraction, require_whole, total


class OwnershipCause(StrEnum):
    REGISTRATION = "registration"  # the parcel's first registration
    TRANSFER = "transfer"  # reference: the transfer id
    SPLIT = "split"  # reference: the parent parcel, whose owners continue
    MERGE = "merge"  # reference: the merged parcels, whose common owners continue


class Ownership(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra={"examples": [
        {"parcel_id": "ZHN00-K-1234", "version": 1, "owners": [{"party": "pty_3a9f", "share": "1/1"}],
         "since": "2026-01-05T09:00:00Z", "cause": "registration", "reference": []}]})

    parcel_id: Identifier
    version: Annotated[int, Field(ge=1)]
    owners: tuple[Share, ...]
    since: datetime
    cause: OwnershipCause
    reference: tuple[Identifier, ...] = ()

    @classmethod
    def first(
        cls,
        parcel_id: str,
        owners: Iterable[Share],
        now: datetime,
        cause: OwnershipCause,
        reference: tuple[str, ...] = (),
    ) -> Ownership:
        return cls(
            parcel_id=parcel_id,
            version=1,
            owners=require_whole(owners),
            since=now,
            cause=cause,
            reference=reference,
        )

    @property
    def parties(self) -> frozenset[str]:
        return frozenset(s.party for s in self.owners)

    def require_transferable(self, sellers: Iterable[str], buyers: Iterable[Share]) -> None:
        """Sellers must be owners, and buyers must receive exactly the shares the sellers hold."""
        selling = frozenset(sellers)
        if missing := sorted(selling - self.parties):
            raise RegistryError(
                ErrorCode.NOT_OWNER, f"{', '.join(missing)} own no share of parcel {self.parcel_id}"
            )
        sold = total(s for s in self.owners if s.party in selling)
        if (bought := total(buyers)) != sold:
            raise RegistryError(
                ErrorCode.SHARES_DO_NOT_SUM,
                f"the buyers would receive {format_fraction(bought)} but the sellers hold {format_fraction(sold)}",
            )

    def after_transfer(
        self, sellers: Iterable[str], buyers: Iterable[Share], now: datetime, transfer_id: str
    ) -> Ownership:
        """The next state when `sellers` hand their whole shares to `buyers` (shares of the parcel)."""
        selling, buying = frozenset(sellers), tuple(buyers)
        self.require_transferable(selling, buying)
        combined: dict[str, Fraction] = {}
        for share in (*(s for s in self.owners if s.party not in selling), *buying):
            combined[share.party] = combined.get(share.party, Fraction(0)) + share.share
        return Ownership(
            parcel_id=self.parcel_id,
            version=self.version + 1,
            owners=require_whole(Share(party=p, share=f) for p, f in combined.items()),
            since=now,
            cause=OwnershipCause.TRANSFER,
            reference=(transfer_id,),
        )

    def inherited(
        self, parcel_id: str, now: datetime, cause: OwnershipCause, reference: tuple[str, ...]
    ) -> Ownership:
        """The same owners and shares, continuing on a parcel created by a split or merge."""
        return Ownership.first(parcel_id, self.owners, now, cause, reference)


class OwnershipEntry(BaseModel):
    """One state in a parcel's ownership history, with the ledger transaction that wrote it."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra={"examples": [
        {"tx_id": "8a1f0c3e5b7d9f2a4c6e8b0d1f3a5c7e9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a", "timestamp": "2026-01-05T09:00:00Z",
         "ownership": Ownership.model_config["json_schema_extra"]["examples"][0]}]})

    tx_id: str
    timestamp: datetime
    ownership: Ownership


class OwnershipHistoryPage(Page[OwnershipEntry]):
    pass
