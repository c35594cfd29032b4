"""Reading a parcel's file and writing its ownership together with the owner index."""

from __future__ import annotations

from ..domain.errors import ErrorCode, RegistryError
from ..domain.ownership import Ownership
from ..domain.parcel_file import ParcelFile
from .records import Records


def load_file(records: Records, parcel_id: str) -> ParcelFile:
    parcel = records.parcels.get(parcel_id)
    ownership = records.ownerships.get(parcel_id)
    encumbrances = records.encumbrances.get(parcel_id)
    if parcel is None or ownership is None or encumbrances is None:
        raise RegistryError(ErrorCode.NOT_FOUND, f"parcel {parcel_id} is not registered")
    return ParcelFile(parcel=parcel, ownership=ownership, encumbrances=encumbrances)


def load_active_file(records: Records, parcel_id: str) -> ParcelFile:
    """The file of a parcel that may still change (not split or merged away)."""
    file = load_file(records, parcel_id)
    file.parcel.require_active()
    return file


def save_ownership(records: Records, before: Ownership | None, after: Ownership) -> None:
    """Writes the parcel's new ownership and moves the parties' owner-index entries to match."""
    old = before.parties if before is not None else frozenset()
    for party in sorted(old - after.parties):
        records.unindex_owner(party, after.parcel_id)
    for party in sorted(after.parties - old):
        records.index_owner(party, after.parcel_id)
    records.ownerships.put(after.parcel_id, after)


def end_ownership(records: Records, last: Ownership) -> None:
    """A retiring parcel keeps its last ownership state as history, but is no longer anyone's."""
    for party in sorted(last.parties):
        records.unindex_owner(party, last.parcel_id)
