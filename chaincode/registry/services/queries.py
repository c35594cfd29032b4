"""Reading the register: parcels with their current rights, ownership history, parcels by owner
and by address, ownership at a moment, transfers with the consents they have and lack, and
parties. Lists are paginated."""

from __future__ import annotations

from ..domain.address import AddressSearch
from ..domain.errors import ErrorCode, RegistryError
from ..domain.instants import parse_instant
from ..domain.ownership import OwnershipEntry, OwnershipHistoryPage
from ..domain.page import Page, PageRequest
from ..domain.parcel_file import ParcelFile, ParcelFilePage
from ..domain.party import Party
from ..domain.transfer import Transfer, TransferProgress
from .lookups import require_party, require_transfer
from .parcel_files import load_file
from .service import Service


class Queries(Service):
    def parcel(self, parcel_id: str) -> ParcelFile:
        return load_file(self.records, parcel_id)

    def parcels(self, page: PageRequest) -> ParcelFilePage:
        return self._files(self.records.parcel_ids(page))

    def parcels_of_owner(self, party_id: str, page: PageRequest) -> ParcelFilePage:
        """The parcels the party now owns a share of (retired parcels no longer count)."""
        return self._files(self.records.parcel_ids_of_owner(party_id, page))

    def parcels_at_address(self, address: str, page: PageRequest) -> ParcelFilePage:
        """Active parcels by postcode and house number, or by (part of) a street and a town."""
        return self._files(self.records.parcel_ids_at_address(AddressSearch.parse(address), page))

    def ownership_history(self, parcel_id: str, page: PageRequest) -> OwnershipHistoryPage:
        """Every ownership state of the parcel, oldest first; the bookmark is the next version."""
        entries = self._history(parcel_id)
        start = self._version_bookmark(page.bookmark)
        selected = [e for e in entries if e.ownership.version >= start]
        items, rest = selected[: page.page_size], selected[page.page_size :]
        return OwnershipHistoryPage(
            items=tuple(items), bookmark=str(rest[0].ownership.version) if rest else ""
        )

    def ownership_at(self, parcel_id: str, at: str) -> OwnershipEntry:
        """The ownership in force at `at`: the last state recorded at or before it."""
        instant = parse_instant(at)
        parcel = load_file(self.records, parcel_id).parcel
        if parcel.retired_at is not None and instant >= parcel.retired_at:
            raise RegistryError(
                ErrorCode.PARCEL_RETIRED,
                f"parcel {parcel_id} was retired at {parcel.retired_at:%Y-%m-%dT%H:%M:%SZ}; "
                f"ask its successors {', '.join(parcel.children)}",
            )
        earlier = [e for e in self._history(parcel_id) if e.ownership.since <= instant]
        if not earlier:
            raise RegistryError(ErrorCode.NOT_FOUND, f"parcel {parcel_id} was not registered yet at {at}")
        return earlier[-1]

    def transfer(self, transfer_id: str) -> Transfer:
        return require_transfer(self.records, transfer_id)

    def transfer_progress(self, transfer_id: str) -> TransferProgress:
        """Which consents the transfer has and lacks, as at this transaction's moment."""
        transfer = require_transfer(self.records, transfer_id)
        encumbrances = load_file(self.records, transfer.terms.parcel_id).encumbrances
        return TransferProgress.of(transfer, encumbrances, self.tx.now)

    def party(self, party_id: str) -> Party:
        return require_party(self.records, party_id)

    def _history(self, parcel_id: str) -> list[OwnershipEntry]:
        load_file(self.records, parcel_id)
        return sorted(self.records.ownership_history(parcel_id), key=lambda e: e.ownership.version)

    def _files(self, ids: Page[str]) -> ParcelFilePage:
        return ParcelFilePage(
            items=tuple(load_file(self.records, i) for i in ids.items), bookmark=ids.bookmark
        )

    @staticmethod
    def _version_bookmark(bookmark: str) -> int:
        if bookmark == "":
            return 1
        if not bookmark.isdigit():
            raise RegistryError(ErrorCode.INVALID_ARGUMENT, f"not a bookmark of this query: {bookmark!r}")
        return int(bookmark)
