"""Mortgages (hypotheken): registered and cancelled on the lender's signed statement."""

from __future__ import annotations

from ..domain.encumbrances import Mortgage, MortgageTerms, find_entry
from ..domain.errors import ErrorCode, RegistryError
from ..domain.ids import derive_id
from ..domain.roles import require_statement_submitter
from ..domain.statements import PartySignature, StatementType
from .parcel_files import load_active_file
from .service import Service
from .signatures import spend_nonces, verify_signatures


class Mortgages(Service):
    def register(self, parcel_id: str, terms: MortgageTerms, signature: PartySignature) -> Mortgage:
        require_statement_submitter(self.tx.caller)
        file = load_active_file(self.records, parcel_id)
        encumbrances = file.encumbrances
        if any(m.rank == terms.rank for m in encumbrances.mortgages):
            raise RegistryError(
                ErrorCode.RANK_TAKEN, f"parcel {parcel_id} already has a mortgage of rank {terms.rank}"
            )
        verify_signatures(
            self.records,
            StatementType.MORTGAGE_REGISTRATION,
            {"parcel_id": parcel_id, **terms.model_dump(mode="json")},
            [signature],
            [terms.lender],
        )
        mortgage = Mortgage(**dict(terms), id=derive_id("mtg", self.tx.id), registered_at=self.tx.now)
        mortgages = tuple(sorted((*encumbrances.mortgages, mortgage), key=lambda m: m.rank))
        self.records.encumbrances.put(parcel_id, encumbrances.model_copy(update={"mortgages": mortgages}))
        spend_nonces(self.records, [signature], self.tx.id)
        return mortgage

    def cancel(self, parcel_id: str, mortgage_id: str, signature: PartySignature) -> None:
        """Cancels the mortgage on this parcel (after a split, the lender cancels per parcel)."""
        require_statement_submitter(self.tx.caller)
        file = load_active_file(self.records, parcel_id)
        encumbrances = file.encumbrances
        mortgage = find_entry(encumbrances.mortgages, mortgage_id, parcel_id)
        verify_signatures(
            self.records,
            StatementType.MORTGAGE_CANCELLATION,
            {"parcel_id": parcel_id, "mortgage_id": mortgage_id},
            [signature],
            [mortgage.lender],
        )
        self.records.encumbrances.put(parcel_id, encumbrances.without("mortgages", mortgage_id))
        spend_nonces(self.records, [signature], self.tx.id)
