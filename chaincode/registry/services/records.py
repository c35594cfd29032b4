"""The storage the rules need (ports), implemented over the chaincode stub by `storage`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

from ..domain.address import AddressSearch, IndexEntry
from ..domain.encumbrances import Encumbrances
from ..domain.ownership import Ownership, OwnershipEntry
from ..domain.page import Page, PageRequest
from ..domain.parcel import Parcel
from ..domain.party import Party, PartyDetails
from ..domain.transfer import Transfer

T = TypeVar("T")


class Table(Protocol[T]):
    """Records of one kind by id. Reads see the state before the transaction, never its own writes."""

    def get(self, record_id: str) -> T | None: ...

    def put(self, record_id: str, record: T) -> None: ...


class Records(Protocol):
    """The public world state of the registry."""

    @property
    def parcels(self) -> Table[Parcel]: ...

    @property
    def ownerships(self) -> Table[Ownership]: ...

    @property
    def encumbrances(self) -> Table[Encumbrances]: ...

    @property
    def parties(self) -> Table[Party]: ...

    @property
    def transfers(self) -> Table[Transfer]: ...

    def nonce_used(self, party_id: str, nonce: str) -> bool: ...

    def use_nonce(self, party_id: str, nonce: str, tx_id: str) -> None: ...

    def index_owner(self, party_id: str, parcel_id: str) -> None: ...

    def unindex_owner(self, party_id: str, parcel_id: str) -> None: ...

    def index_address(self, entry: IndexEntry, parcel_id: str) -> None: ...

    def unindex_address(self, entry: IndexEntry, parcel_id: str) -> None: ...

    def address_indexed(self, entry: IndexEntry, parcel_id: str) -> bool: ...

    def parcel_ids(self, page: PageRequest) -> Page[str]:
        """All parcel ids (active and retired), in id order."""
        ...

    def parcel_ids_of_owner(self, party_id: str, page: PageRequest) -> Page[str]:
        """Ids of the parcels `party_id` currently owns a share of, in id order."""
        ...

    def parcel_ids_at_address(self, search: AddressSearch, page: PageRequest) -> Page[str]:
        """Ids of the parcels whose address index entries `search` asks for, in index order."""
        ...

    def ownership_history(self, parcel_id: str) -> Iterable[OwnershipEntry]:
        """Every state the parcel's ownership record had, from the ledger's key history, any order."""
        ...


class PersonalData(Protocol):
    """Parties' personal data, in the registry-only private data collection."""

    def get(self, party_id: str) -> PartyDetails | None: ...

    def put(self, party_id: str, details: PartyDetails) -> None: ...

    def purge(self, party_id: str) -> None: ...
