"""Mortgages (hypotheken): registered and cancelled on the lender's signed statement."""

from __future__ import annotations

from ..domain.encumbrances import Mortgage, MortgageTerms, find_entry
from ..domain.errors import ErrorCode, RegistryError
from ..domain.ids import derive_id
from ..domain.roles import require_statement_submitter
from ..domain.statements import PartySignature, StatementType
from .parcel_files import load_active_file
from .signed_encumbrances import SignedEncumbrances


class Mortgages(SignedEncumbrances):
    def register(self, parcel_id: str, terms: MortgageTerms, signature: PartySignature) -> Mortgage:
        require_statement_submitter(self.tx.caller)
        encumbrances = load_active_file(self.records, parcel_id).encumbrances
        if any(m.rank == terms.rank for m in encumbrances.mortgages):
            raise RegistryError(
                ErrorCode.RANK_TAKEN, f"parcel {parcel_id} already has a mortgage of rank {terms.rank}"
            )
        mortgage = Mortgage(**dict(terms), id=derive_id("mtg", self.tx.id), registered_at=self.tx.now)
        mortgages = tuple(sorted((*encumbrances.mortgages, mortgage), key=lambda m: m.rank))
        self._signed_change(
            parcel_id,
            StatementType.MORTGAGE_REGISTRATION,
            terms.model_dump(mode="json"),
            [signature],
            [terms.lender],
            encumbrances.model_copy(update={"mortgages": mortgages}),
        )
        return mortgage

    def cancel(self, parcel_id: str, mortgage_id: str, signature: PartySignature) -> None:
        """Cancels the mortgage on this parcel (after a split, the lender cancels per parcel)."""
        require_statement_submitter(self.tx.caller)
        encumbrances = load_active_file(self.records, parcel_id).encumbrances
        mortgage = find_entry(encumbrances.mortgages, mortgage_id, parcel_id)
        self._signed_change(
            parcel_id,
            StatementType.MORTGAGE_CANCELLATION,
            {"mortgage_id": mortgage_id},
            [signature],
            [mortgage.lender],
            encumbrances.without("mortgages", mortgage_id),
        )
