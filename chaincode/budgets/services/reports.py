"""The scheme report for the municipality that owns the scheme."""
from __future__ import annotations

from grootboek.chaincode.contractapi.tx import Tx

from ..domain.report import SchemeReport, SchemeTotals
from ..domain.roles import require_officer_of
from ..storage.records import Records


def scheme_report(records: Records, tx: Tx, scheme_id: str, page_size: int, bookmark: str) -> SchemeReport:
    scheme = records.scheme(scheme_id)
    require_officer_of(tx.caller, scheme.owner)
    page = records.scheme_budgets(scheme_id, page_size, bookmark)
    return SchemeReport(scheme_id=scheme.id, unit=scheme.terms.unit, items=page.items, bookmark=page.bookmark,
                        totals=SchemeTotals.of(page.items))
