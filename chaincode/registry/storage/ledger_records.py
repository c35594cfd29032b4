"""`Records` over the world state, and `PersonalData` over the private data collection."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

from pydantic import BaseModel

from grootboek.chaincode.shim import BaseStub
from grootboek.chaincode.signing import canonical_json

from ..domain.address import AddressSearch, IndexEntry
from ..domain.encumbrances import Encumbrances
from ..domain.ownership import Ownership, OwnershipEntry
from ..domain.page import Page, PageRequest
from ..domain.parcel import Parcel
from ..domain.party import Party, PartyDetails
from ..domain.transfer import Transfer
from . import keys
from .state import State, encode

M = TypeVar("M", bound=BaseModel)

# An index entry only has to exist; an empty value would mean deletion to Fabric.
_MARKER = b"\x01"


class StateTable(Generic[M]):
    def __init__(self, state: State, object_type: str, model: type[M]) -> None:
        self.state, self.object_type, self.model = state, object_type, model

    def get(self, record_id: str) -> M | None:
        return self.state.get_record(self.state.key(self.object_type, record_id), self.model)

    def put(self, record_id: str, record: M) -> None:
        self.state.put(self.state.key(self.object_type, record_id), encode(record))


class LedgerRecords:
    def __init__(self, stub: BaseStub) -> None:
        self.state = State(stub)
        self.parcels = StateTable(self.state, keys.PARCEL, Parcel)
        self.ownerships = StateTable(self.state, keys.OWNERSHIP, Ownership)
        self.encumbrances = StateTable(self.state, keys.ENCUMBRANCES, Encumbrances)
        self.parties = StateTable(self.state, keys.PARTY, Party)
        self.transfers = StateTable(self.state, keys.TRANSFER, Transfer)

    def nonce_used(self, party_id: str, nonce: str) -> bool:
        return self.state.get(self.state.key(keys.NONCE, party_id, nonce)) is not None

    def use_nonce(self, party_id: str, nonce: str, tx_id: str) -> None:
        self.state.put(self.state.key(keys.NONCE, party_id, nonce), canonical_json({"tx_id": tx_id}))

    def index_owner(self, party_id: str, parcel_id: str) -> None:
        self.state.put(self.state.key(keys.OWNER_INDEX, party_id, parcel_id), _MARKER)

    def unindex_owner(self, party_id: str, parcel_id: str) -> None:
        self.state.delete(self.state.key(keys.OWNER_INDEX, party_id, parcel_id))

    def index_address(self, entry: IndexEntry, parcel_id: str) -> None:
        self.state.put(_address_key(entry.index, *entry.attributes, parcel_id), _MARKER)

    def unindex_address(self, entry: IndexEntry, parcel_id: str) -> None:
        self.state.delete(_address_key(entry.index, *entry.attributes, parcel_id))

    def address_indexed(self, entry: IndexEntry, parcel_id: str) -> bool:
        return self.state.get(_address_key(entry.index, *entry.attributes, parcel_id)) is not None

    def parcel_ids_at_address(self, search: AddressSearch, page: PageRequest) -> Page[str]:
        prefix = _address_key(search.index, *search.exact, search.partial)
        found = self.state.page_keys(prefix, page)
        return Page[str](items=tuple(k.rsplit(keys.ADDRESS_SEPARATOR, 1)[1] for k in found.items),
                         bookmark=found.bookmark)

    def parcel_ids(self, page: PageRequest) -> Page[str]:
        return self.state.page_ids(keys.PARCEL, (), page)

    def parcel_ids_of_owner(self, party_id: str, page: PageRequest) -> Page[str]:
        return self.state.page_ids(keys.OWNER_INDEX, (party_id,), page)

    def ownership_history(self, parcel_id: str) -> Iterable[OwnershipEntry]:
        with self.state.stub.get_history_for_key(self.state.key(keys.OWNERSHIP, parcel_id)) as history:
            return [
                OwnershipEntry(
                    tx_id=change.tx_id,
                    timestamp=change.timestamp,
                    ownership=Ownership.model_validate_json(change.value),
                )
                for change in history
                if not change.is_delete
            ]


def _address_key(*parts: str) -> str:
    return keys.ADDRESS_INDEX + keys.ADDRESS_SEPARATOR.join(parts)


class CollectionPersonalData:
    """Parties' personal data in the `personal` collection; only the registry's peers hold it."""

    def __init__(self, stub: BaseStub) -> None:
        self.stub = stub

    def _key(self, party_id: str) -> str:
        return self.stub.create_composite_key(keys.PARTY, [party_id])

    def get(self, party_id: str) -> PartyDetails | None:
        value = self.stub.get_private_data(keys.PERSONAL, self._key(party_id))
        return None if value is None else PartyDetails.model_validate_json(value)

    def put(self, party_id: str, details: PartyDetails) -> None:
        self.stub.put_private_data(keys.PERSONAL, self._key(party_id), encode(details))

    def purge(self, party_id: str) -> None:
        self.stub.purge_private_data(keys.PERSONAL, self._key(party_id))
