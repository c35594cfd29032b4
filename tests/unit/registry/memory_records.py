"""The registry's storage ports in dicts, with Fabric's visibility rule: a transaction's writes are
staged, invisible to its own reads, and applied by `commit` (or dropped by `discard`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Generic, TypeVar

from grootboek.chaincode.registry.domain.address import AddressSearch, IndexEntry
from grootboek.chaincode.registry.domain.ownership import Ownership, OwnershipEntry
from grootboek.chaincode.registry.domain.page import Page, PageRequest
from grootboek.chaincode.registry.domain.party import PartyDetails

T = TypeVar("T")
Key = tuple[str, ...]


class MemoryStore:
    def __init__(self) -> None:
        self.state: dict[Key, Any] = {}
        self.staged: dict[Key, Any] = {}  # None stages a deletion

    def read(self, key: Key) -> Any:
        return self.state.get(key)

    def write(self, key: Key, value: Any) -> None:
        self.staged[key] = value

    def keys(self, *prefix: str) -> list[Key]:
        return sorted(k for k in self.state if k[: len(prefix)] == prefix)

    def commit(self, tx_id: str, timestamp: datetime) -> None:
        for key, value in self.staged.items():
            if value is None:
                self.state.pop(key, None)
            else:
                self.state[key] = value
            self.committed(key, value, tx_id, timestamp)
        self.staged = {}

    def committed(self, key: Key, value: Any, tx_id: str, timestamp: datetime) -> None:
        """Called for every write `commit` applies."""

    def discard(self) -> None:
        self.staged = {}


class MemoryTable(Generic[T]):
    def __init__(self, store: MemoryStore, kind: str) -> None:
        self.store, self.kind = store, kind

    def get(self, record_id: str) -> T | None:
        return self.store.read((self.kind, record_id))

    def put(self, record_id: str, record: T) -> None:
        self.store.write((self.kind, record_id), record)


class MemoryRecords(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.parcels = MemoryTable(self, "parcel")
        self.ownerships = MemoryTable(self, "ownership")
        self.encumbrances = MemoryTable(self, "encumbrances")
        self.parties = MemoryTable(self, "party")
        self.transfers = MemoryTable(self, "transfer")
        self.history: dict[str, list[OwnershipEntry]] = {}

    def nonce_used(self, party_id: str, nonce: str) -> bool:
        return self.read(("nonce", party_id, nonce)) is not None

    def use_nonce(self, party_id: str, nonce: str, tx_id: str) -> None:
        self.write(("nonce", party_id, nonce), tx_id)

    def index_owner(self, party_id: str, parcel_id: str) -> None:
        self.write(("owner", party_id, parcel_id), True)

    def unindex_owner(self, party_id: str, parcel_id: str) -> None:
        self.write(("owner", party_id, parcel_id), None)

    def index_address(self, entry: IndexEntry, parcel_id: str) -> None:
        self.write(("address", entry.index, *entry.attributes, parcel_id), True)

    def unindex_address(self, entry: IndexEntry, parcel_id: str) -> None:
        self.write(("address", entry.index, *entry.attributes, parcel_id), None)

    def address_indexed(self, entry: IndexEntry, parcel_id: str) -> bool:
        return self.read(("address", entry.index, *entry.attributes, parcel_id)) is not None

    def parcel_ids_at_address(self, search: AddressSearch, page: PageRequest) -> Page[str]:
        exact = ("address", search.index, *search.exact)
        found = ["/".join(k) for k in self.keys(*exact) if k[len(exact)].startswith(search.partial)]
        # Paged by whole keys, like Fabric's range queries: ids come in index order, not id order.
        keys = _page(found, page)
        return Page[str](items=tuple(k.rsplit("/", 1)[1] for k in keys.items), bookmark=keys.bookmark)

    def parcel_ids(self, page: PageRequest) -> Page[str]:
        return _page([k[1] for k in self.keys("parcel")], page)

    def parcel_ids_of_owner(self, party_id: str, page: PageRequest) -> Page[str]:
        return _page([k[2] for k in self.keys("owner", party_id)], page)

    def ownership_history(self, parcel_id: str) -> Iterable[OwnershipEntry]:
        return reversed(self.history.get(parcel_id, []))  # newest first, as Fabric returns it

    def committed(self, key: Key, value: Any, tx_id: str, timestamp: datetime) -> None:
        if isinstance(value, Ownership):
            self.history.setdefault(key[1], []).append(
                OwnershipEntry(tx_id=tx_id, timestamp=timestamp, ownership=value)
            )


def _page(ids: list[str], page: PageRequest) -> Page[str]:
    """Bookmarks are the next id, like Fabric's (the next key), and "" after the last page."""
    rest = [i for i in ids if i >= page.bookmark]
    items, more = rest[: page.page_size], rest[page.page_size :]
    return Page[str](items=tuple(items), bookmark=more[0] if more else "")


class MemoryPersonalData(MemoryStore):
    def get(self, party_id: str) -> PartyDetails | None:
        return self.read(("personal", party_id))

    def put(self, party_id: str, details: PartyDetails) -> None:
        self.write(("personal", party_id), details)

    def purge(self, party_id: str) -> None:
        self.write(("personal", party_id), None)
