"""A transfer of ownership (overdracht) and the steps it goes through.

Sellers consent to the terms (opening the transfer), the buyers accept, the municipality waives its
pre-emption right where it has one, and the registry records it; only then does ownership change.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .errors import ErrorCode, RegistryError
from .ids import Identifier
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
