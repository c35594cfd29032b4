"""A parcel (perceel) as a cadastral object, with its lineage through splits and merges."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from .address import Address, IndexEntry
from .designation import Designation
from .errors import ErrorCode, RegistryError
from .geometry import Geometry
from .ids import Identifier
from .shares import Share


class ParcelDescription(BaseModel):
    """What the registry records about the land itself."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    designation: Designation
    area_m2: Annotated[int, Field(gt=0)]
    geometry: Geometry | None = None
    address: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)] | None = (
        None
    )


class ParcelStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"  # split or merged: kept with its history and lineage, never deleted


class Parcel(ParcelDescription):
    """A registered parcel. `parents` and `children` link it to the parcels it came from or became."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"designation": {"municipality": "ZHN00", "section": "K", "number": 1234}, "area_m2": 1000,
         "geometry": None, "address": "Hoofdstraat 1, 9801 AA Zuidhorn", "id": "ZHN00-K-1234", "status": "active",
         "registered_at": "2026-01-05T09:00:00Z", "parents": [], "children": [], "retired_at": None}]})

    id: Identifier
    status: ParcelStatus = ParcelStatus.ACTIVE
    registered_at: datetime
    parents: tuple[Identifier, ...] = ()
    children: tuple[Identifier, ...] = ()
    retired_at: datetime | None = None

    @classmethod
    def register(cls, description: ParcelDescription, now: datetime, parents: tuple[str, ...] = ()) -> Parcel:
        described = {name: getattr(description, name) for name in ParcelDescription.model_fields}
        return cls(**described, id=description.designation.parcel_id, registered_at=now, parents=parents)

    def address_entries(self) -> tuple[IndexEntry, ...]:
        """The address index's entries that find this parcel (none without an address)."""
        return Address.parse(self.address).index_entries() if self.address else ()

    def require_active(self) -> None:
        if self.status is ParcelStatus.RETIRED:
            raise RegistryError(
                ErrorCode.PARCEL_RETIRED,
                f"parcel {self.id} was retired at {self.retired_at:%Y-%m-%dT%H:%M:%SZ}; "
                f"it continues as {', '.join(self.children)}",
            )

    def retire(self, children: tuple[str, ...], now: datetime) -> Parcel:
        return self.model_copy(
            update={"status": ParcelStatus.RETIRED, "children": children, "retired_at": now}
        )


class ParcelRegistration(ParcelDescription):
    """A first registration: the parcel and its owners, whose shares must sum to exactly 1."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "designation": {"municipality": "ZHN00", "section": "K", "number": 1234}, "area_m2": 1000,
        "address": "Hoofdstraat 1, 9801 AA Zuidhorn", "owners": [{"party": "pty_3a9f", "share": "1/1"}]}]})

    owners: tuple[Share, ...]
