"""Everything on a parcel besides ownership: limited rights, mortgages, attachments, the municipal
pre-emption right, and the lock of a transfer in progress (lasten en beperkingen).

They share one ledger key per parcel, so two concurrent changes to one parcel's encumbrances
conflict at commit (MVCC) instead of one silently overwriting the other.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .errors import ErrorCode, RegistryError
from .ids import Identifier

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LimitedRightKind(StrEnum):
    LEASEHOLD = "leasehold"  # erfpacht
    BUILDING_RIGHT = "building_right"  # opstal


class LimitedRightTerms(_Record):
    """A limited right to grant: its kind, holder and term (`ends` None: indefinite)."""

    kind: LimitedRightKind
    holder: Identifier
    starts: date
    ends: date | None = None

    @model_validator(mode="after")
    def _term(self) -> Self:
        if self.ends is not None and self.ends <= self.starts:
            raise ValueError("a limited right must end after it starts")
        return self


class LimitedRight(LimitedRightTerms):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"kind": "leasehold", "holder": "pty_9f21", "starts": "2026-01-01", "ends": None,
         "id": "ZHN00-K-1234:limited-right:1", "granted_at": "2026-01-10T09:00:00Z"}]})

    id: Identifier
    granted_at: datetime


class MortgageTerms(_Record):
    """A mortgage (hypotheek) a lender asks to register: principal in euro cents, and rank."""

    lender: Identifier
    amount_cents: Annotated[int, Field(strict=True, gt=0)]
    """A JSON integer, as every amount of both chaincodes: 500, never 500.0 or "500"."""
    rank: Annotated[int, Field(strict=True, ge=1)]


class Mortgage(MortgageTerms):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"lender": "pty_b4nk", "amount_cents": 30000000, "rank": 1, "id": "ZHN00-K-1234:mortgage:1",
         "registered_at": "2026-01-08T09:00:00Z"}]})

    id: Identifier
    registered_at: datetime


class AttachmentTerms(_Record):
    """An attachment (beslag): the creditor and the writ or decision it rests on."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"creditor": "Gemeente Zuidhorn",
                                                               "reference": "OZB-2026-7"}]})

    creditor: Text
    reference: Text


class Attachment(AttachmentTerms):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"creditor": "Gemeente Zuidhorn", "reference": "OZB-2026-7", "id": "ZHN00-K-1234:attachment:1",
         "registered_by": "x509::CN=officer,OU=client::CN=ca.gemeente.grootboek.nl,O=gemeente.grootboek.nl,C=NL", "registered_at": "2026-01-09T09:00:00Z"}]})

    id: Identifier
    registered_by: str  # MSP id of the organisation that laid it
    registered_at: datetime


class PreemptionTerms(_Record):
    """A municipal pre-emption right (voorkeursrecht): the council decision, and its end if known."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"decision": "Raadsbesluit 2026-17",
                                                               "expires_on": "2029-01-01"}]})

    decision: Text
    expires_on: date | None = None


class PreemptionRight(PreemptionTerms):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"decision": "Raadsbesluit 2026-17", "expires_on": "2029-01-01", "registered_at": "2026-01-09T09:00:00Z"}]})

    registered_at: datetime

    def in_force(self, now: datetime) -> bool:
        return self.expires_on is None or now.date() < self.expires_on


class Encumbrances(_Record):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"parcel_id": "ZHN00-K-1234", "limited_rights": [],
         "mortgages": [Mortgage.model_config["json_schema_extra"]["examples"][0]], "attachments": [],
         "preemption": None, "pending_transfer": None}]})

    parcel_id: Identifier
    limited_rights: tuple[LimitedRight, ...] = ()
    mortgages: tuple[Mortgage, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    preemption: PreemptionRight | None = None
    pending_transfer: Identifier | None = None

    def require_unattached(self) -> None:
        if self.attachments:
            ids = ", ".join(a.id for a in self.attachments)
            raise RegistryError(ErrorCode.ATTACHED, f"parcel {self.parcel_id} is under attachment ({ids})")

    def require_no_pending_transfer(self) -> None:
        if self.pending_transfer is not None:
            raise RegistryError(
                ErrorCode.TRANSFER_PENDING,
                f"parcel {self.parcel_id} has transfer {self.pending_transfer} in progress",
            )

    def preemption_in_force(self, now: datetime) -> PreemptionRight | None:
        return self.preemption if self.preemption is not None and self.preemption.in_force(now) else None

    def same_rights(self, other: Encumbrances) -> bool:
        """Equal encumbrances apart from which parcel they sit on (a merge requires this)."""
        return self.model_dump(exclude={"parcel_id"}) == other.model_dump(exclude={"parcel_id"})

    def without(self, kind: Literal["limited_rights", "mortgages", "attachments"], entry_id: str) -> Self:
        """These encumbrances with the entry `entry_id` of `kind` ended."""
        remaining = tuple(e for e in getattr(self, kind) if e.id != entry_id)
        return self.model_copy(update={kind: remaining})

    def moved_to(self, parcel_id: str) -> Encumbrances:
        """The same encumbrances on a parcel created by a split or merge: rights follow the land."""
        return self.model_copy(update={"parcel_id": parcel_id})


Entry = TypeVar("Entry", LimitedRight, Mortgage, Attachment)


def find_entry(entries: tuple[Entry, ...], entry_id: str, parcel_id: str) -> Entry:
    """The mortgage, limited right or attachment with this id on the parcel, or NOT_FOUND."""
    for entry in entries:
        if entry.id == entry_id:
            return entry
    raise RegistryError(ErrorCode.NOT_FOUND, f"parcel {parcel_id} has no {entry_id}")
