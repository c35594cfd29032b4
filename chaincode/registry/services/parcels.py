"""Registering parcels, and splitting and merging them with lineage (splitsing en samenvoeging)."""

from __future__ import annotations

from collections.abc import Sequence

from ..domain.encumbrances import Encumbrances
from ..domain.errors import ErrorCode, RegistryError
from ..domain.ownership import Ownership, OwnershipCause
from ..domain.page import MAX_PAGE_SIZE
from ..domain.parcel import Parcel, ParcelDescription, ParcelRegistration, ParcelStatus
from ..domain.parcel_file import ParcelFile
from ..domain.roles import require_registrar
from .lookups import require_party
from .parcel_files import end_ownership, load_active_file, save_ownership
from .service import Service


class Parcels(Service):
    def register(self, registration: ParcelRegistration) -> ParcelFile:
        require_registrar(self.tx.caller)
        parcel = Parcel.register(registration, self.tx.now)
        ownership = Ownership.first(parcel.id, registration.owners, self.tx.now, OwnershipCause.REGISTRATION)
        self._require_new([parcel.id])
        for share in ownership.owners:
            require_party(self.records, share.party, "owner")
        file = ParcelFile(parcel=parcel, ownership=ownership, encumbrances=Encumbrances(parcel_id=parcel.id))
        self._create(file)
        return file

    def split(self, parcel_id: str, parts: Sequence[ParcelDescription]) -> tuple[ParcelFile, ...]:
        """Divides an active parcel into new parcels that keep its owners and encumbrances."""
        require_registrar(self.tx.caller)
        if len(parts) < 2:
            raise RegistryError(ErrorCode.INVALID_ARGUMENT, "a split creates at least two parcels")
        parent = load_active_file(self.records, parcel_id)
        parent.encumbrances.require_no_pending_transfer()
        if (area := sum(p.area_m2 for p in parts)) != parent.parcel.area_m2:
            raise RegistryError(
                ErrorCode.AREA_MISMATCH,
                f"the parts measure {area} m2 but parcel {parcel_id} measures {parent.parcel.area_m2} m2",
            )
        children = [Parcel.register(part, self.tx.now, parents=(parcel_id,)) for part in parts]
        self._require_new([c.id for c in children])
        files = tuple(
            ParcelFile(
                parcel=child,
                ownership=parent.ownership.inherited(
                    child.id, self.tx.now, OwnershipCause.SPLIT, (parcel_id,)
                ),
                encumbrances=parent.encumbrances.moved_to(child.id),
            )
            for child in children
        )
        self._retire([parent], tuple(c.id for c in children))
        for file in files:
            self._create(file)
        return files

    def merge(self, parcel_ids: Sequence[str], result: ParcelDescription) -> ParcelFile:
        """Joins active parcels with identical owners and encumbrances into one new parcel."""
        require_registrar(self.tx.caller)
        if len(set(parcel_ids)) != len(parcel_ids) or len(parcel_ids) < 2:
            raise RegistryError(ErrorCode.INVALID_ARGUMENT, "a merge joins at least two distinct parcels")
        parents = [load_active_file(self.records, pid) for pid in parcel_ids]
        first = parents[0]
        for parent in parents:
            parent.encumbrances.require_no_pending_transfer()
            if parent.ownership.owners != first.ownership.owners:
                raise RegistryError(
                    ErrorCode.RIGHTS_DIFFER,
                    f"parcels {first.parcel.id} and {parent.parcel.id} have different owners",
                )
            if not parent.encumbrances.same_rights(first.encumbrances):
                raise RegistryError(
                    ErrorCode.RIGHTS_DIFFER,
                    f"parcels {first.parcel.id} and {parent.parcel.id} have different encumbrances",
                )
        if (area := sum(p.parcel.area_m2 for p in parents)) != result.area_m2:
            raise RegistryError(
                ErrorCode.AREA_MISMATCH,
                f"the merged parcel is given {result.area_m2} m2 but its parts measure {area} m2",
            )
        merged = Parcel.register(result, self.tx.now, parents=tuple(parcel_ids))
        self._require_new([merged.id])
        file = ParcelFile(
            parcel=merged,
            ownership=first.ownership.inherited(
                merged.id, self.tx.now, OwnershipCause.MERGE, tuple(parcel_ids)
            ),
            encumbrances=first.encumbrances.moved_to(merged.id),
        )
        self._retire(parents, (merged.id,))
        self._create(file)
        return file

    def index_addresses(self, parcel_ids: Sequence[str]) -> int:
        """Writes the address index entries these parcels lack (registered before the index existed,
        or by a chaincode that did not keep it); the number written. Retired parcels get none. Safe
        to repeat: an indexed parcel costs only the reads."""
        require_registrar(self.tx.caller)
        if not 1 <= len(parcel_ids) <= MAX_PAGE_SIZE:
            raise RegistryError(ErrorCode.INVALID_ARGUMENT,
                                f"give between 1 and {MAX_PAGE_SIZE} parcel ids, got {len(parcel_ids)}")
        parcels = []
        for parcel_id in dict.fromkeys(parcel_ids):
            parcel = self.records.parcels.get(parcel_id)
            if parcel is None:
                raise RegistryError(ErrorCode.NOT_FOUND, f"parcel {parcel_id} is not registered")
            parcels.append(parcel)
        written = 0
        for parcel in parcels:
            if parcel.status is ParcelStatus.RETIRED:
                continue
            for entry in parcel.address_entries():
                if not self.records.address_indexed(entry, parcel.id):
                    self.records.index_address(entry, parcel.id)
                    written += 1
        return written

    def _require_new(self, parcel_ids: Sequence[str]) -> None:
        if len(set(parcel_ids)) != len(parcel_ids):
            raise RegistryError(ErrorCode.INVALID_ARGUMENT, "each new parcel needs its own designation")
        for parcel_id in parcel_ids:
            if self.records.parcels.get(parcel_id) is not None:
                raise RegistryError(ErrorCode.ALREADY_EXISTS, f"parcel {parcel_id} is already registered")

    def _retire(self, files: Sequence[ParcelFile], children: tuple[str, ...]) -> None:
        for file in files:
            self.records.parcels.put(file.parcel.id, file.parcel.retire(children, self.tx.now))
            end_ownership(self.records, file.ownership)
            # A retired parcel is found through its successors, not by the address it had.
            for entry in file.parcel.address_entries():
                self.records.unindex_address(entry, file.parcel.id)

    def _create(self, file: ParcelFile) -> None:
        self.records.parcels.put(file.parcel.id, file.parcel)
        for entry in file.parcel.address_entries():
            self.records.index_address(entry, file.parcel.id)
        save_ownership(self.records, None, file.ownership)
        self.records.encumbrances.put(file.parcel.id, file.encumbrances)
