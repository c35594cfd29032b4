"""The municipal pre-emption right (voorkeursrecht): while in force, a transfer of the parcel needs
the municipality's waiver (see Transfers.waive_preemption)."""

from __future__ import annotations

from ..domain.encumbrances import PreemptionRight, PreemptionTerms
from ..domain.errors import ErrorCode, RegistryError
from ..domain.roles import require_officer
from .parcel_files import load_active_file
from .service import Service


class Preemption(Service):
    def register(self, parcel_id: str, terms: PreemptionTerms) -> PreemptionRight:
        require_officer(self.tx.caller)
        encumbrances = load_active_file(self.records, parcel_id).encumbrances
        if encumbrances.preemption_in_force(self.tx.now) is not None:
            raise RegistryError(
                ErrorCode.ALREADY_EXISTS, f"parcel {parcel_id} already has a pre-emption right"
            )
        if terms.expires_on is not None and terms.expires_on <= self.tx.now.date():
            raise RegistryError(ErrorCode.INVALID_ARGUMENT, "a pre-emption right must expire in the future")
        right = PreemptionRight(**dict(terms), registered_at=self.tx.now)
        self.records.encumbrances.put(parcel_id, encumbrances.model_copy(update={"preemption": right}))
        return right

    def withdraw(self, parcel_id: str) -> None:
        require_officer(self.tx.caller)
        encumbrances = load_active_file(self.records, parcel_id).encumbrances
        if encumbrances.preemption is None:
            raise RegistryError(ErrorCode.NOT_FOUND, f"parcel {parcel_id} has no pre-emption right")
        self.records.encumbrances.put(parcel_id, encumbrances.model_copy(update={"preemption": None}))
