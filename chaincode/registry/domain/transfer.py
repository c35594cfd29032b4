"""A transfer of ownership (overdracht) and the steps it goes through.

Sellers consent to the terms (opening the transfer), the buyers accept, the municipality waives its
pre-emption right where it has one, and the registry records it; only then does ownership change.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .encumbrances import Encumbrances
from .errors import ErrorCode, RegistryError
from .ids import Identifier
from .roles import MUNICIPALITY_MSP
from .shares import Share


class TransferTerms(BaseModel):
    """What the sellers sell: their whole shares, to buyers receiving the given shares of the parcel."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    parcel_id: Identifier
    sellers: Annotated[tuple[Identifier, ...], Field(min_length=1)]
    buyers: Annotated[tuple[Share, ...], Field(min_length=1)]
    price_cents: Annotated[int, Field(ge=0)] | None = None  # koopsom, public in the Dutch register

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if len(set(self.sellers)) != len(self.sellers):
            raise ValueError("each seller may be listed only once")
        if len({b.party for b in self.buyers}) != len(self.buyers):
            raise ValueError("each buyer may be listed only once")
        return self

    @property
    def buyer_ids(self) -> tuple[str, ...]:
        return tuple(b.party for b in self.buyers)


class TransferStatus(StrEnum):
    AWAITING_ACCEPTANCE = "awaiting_acceptance"  # the sellers consented
    ACCEPTED = "accepted"  # the buyers accepted; the registry may record it
    RECORDED = "recorded"  # ownership changed
    CANCELLED = "cancelled"


class Transfer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra={"examples": [
        {"id": "ZHN00-K-1234:transfer:1", "status": "awaiting_acceptance", "terms": {
         "parcel_id": "ZHN00-K-1234", "sellers": ["pty_3a9f"], "buyers": [{"party": "pty_9f21", "share": "1/1"}],
         "price_cents": 42500000}, "opened_at": "2026-01-12T09:00:00Z", "accepted_at": None, "preemption_waived_at": None,
         "closed_at": None}]})

    id: Identifier
    terms: TransferTerms
    status: TransferStatus
    opened_at: datetime
    accepted_at: datetime | None = None
    preemption_waived_at: datetime | None = None
    closed_at: datetime | None = None  # recorded or cancelled

    def require_status(self, *allowed: TransferStatus, action: str) -> None:
        if self.status not in allowed:
            raise RegistryError(
                ErrorCode.INVALID_STATE, f"cannot {action} transfer {self.id}: it is {self.status.value}"
            )

    def accepted(self, now: datetime) -> Transfer:
        self.require_status(TransferStatus.AWAITING_ACCEPTANCE, action="accept")
        return self.model_copy(update={"status": TransferStatus.ACCEPTED, "accepted_at": now})

    def preemption_waived(self, now: datetime) -> Transfer:
        self.require_status(
            TransferStatus.AWAITING_ACCEPTANCE, TransferStatus.ACCEPTED, action="waive pre-emption for"
        )
        if self.preemption_waived_at is not None:
            raise RegistryError(
                ErrorCode.INVALID_STATE, f"pre-emption was already waived for transfer {self.id}"
            )
        return self.model_copy(update={"preemption_waived_at": now})

    def recorded(self, now: datetime) -> Transfer:
        self.require_status(TransferStatus.ACCEPTED, action="record")
        return self.model_copy(update={"status": TransferStatus.RECORDED, "closed_at": now})

    def cancelled(self, now: datetime) -> Transfer:
        self.require_status(TransferStatus.AWAITING_ACCEPTANCE, TransferStatus.ACCEPTED, action="cancel")
        return self.model_copy(update={"status": TransferStatus.CANCELLED, "closed_at": now})


class ConsentKind(StrEnum):
    SELLER_CONSENT = "seller_consent"  # each seller's signed consent opened the transfer
    BUYER_ACCEPTANCE = "buyer_acceptance"  # each buyer's signed acceptance
    PREEMPTION_WAIVER = "preemption_waiver"  # the municipality's, while its pre-emption right is in force


class Consent(BaseModel):
    """One consent a transfer needs: whose (a party id, or the municipality's MSP id for the
    waiver) and when it was given (None: still missing)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ConsentKind
    by: Identifier
    given_at: datetime | None = None


class TransferProgress(BaseModel):
    """A transfer as a notary follows it: every consent it needs, given or missing, and the
    attachments that would keep the registry from recording it. `recordable` applies the same
    rules as recording (Transfers.record) at the moment asked."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra={"examples": [
        {"transfer": Transfer.model_config["json_schema_extra"]["examples"][0], "consents": [
            {"kind": "seller_consent", "by": "pty_3a9f", "given_at": "2026-01-12T09:00:00Z"},
            {"kind": "buyer_acceptance", "by": "pty_9f21", "given_at": None}],
         "attachments": [], "recordable": False}]})

    transfer: Transfer
    consents: tuple[Consent, ...]
    attachments: tuple[Identifier, ...]
    recordable: bool

    @classmethod
    def of(cls, transfer: Transfer, encumbrances: Encumbrances, now: datetime) -> TransferProgress:
        terms = transfer.terms
        consents = [Consent(kind=ConsentKind.SELLER_CONSENT, by=seller, given_at=transfer.opened_at)
                    for seller in terms.sellers]
        consents += [Consent(kind=ConsentKind.BUYER_ACCEPTANCE, by=buyer, given_at=transfer.accepted_at)
                     for buyer in terms.buyer_ids]
        still_open = transfer.status in {TransferStatus.AWAITING_ACCEPTANCE, TransferStatus.ACCEPTED}
        # A waiver is needed only while the right is in force; once closed, only a given one counts.
        if transfer.preemption_waived_at is not None or (still_open and encumbrances.preemption_in_force(now)):
            consents.append(Consent(kind=ConsentKind.PREEMPTION_WAIVER, by=MUNICIPALITY_MSP,
                                    given_at=transfer.preemption_waived_at))
        attachments = tuple(a.id for a in encumbrances.attachments) if still_open else ()
        recordable = (transfer.status is TransferStatus.ACCEPTED and not attachments
                      and all(c.given_at is not None for c in consents))
        return cls(transfer=transfer, consents=tuple(consents), attachments=attachments, recordable=recordable)
