"""Beneficiaries' personal data in the municipality's private collection.

These transactions write nothing public, so only the municipality's peers endorse them (the
collection's own endorsement policy); clients send them to the municipality only.
"""
from __future__ import annotations

import json

from grootboek.chaincode.contractapi.tx import Tx

from ..domain.errors import BudgetError, ErrorCode
from ..domain.fields import parse
from ..domain.personal_data import TRANSIENT_KEY, PersonalData
from ..domain.roles import require_officer_of
from ..storage.records import Records


def record(records: Records, tx: Tx, budget_id: str, transient: dict[str, bytes]) -> None:
    _require_officer(records, tx, budget_id)
    raw = transient.get(TRANSIENT_KEY)
    if raw is None:
        raise BudgetError(ErrorCode.INVALID_ARGUMENT, f"personal data goes in the transient field {TRANSIENT_KEY!r}")
    try:
        document = json.loads(raw)
    except ValueError:
        raise BudgetError(ErrorCode.INVALID_ARGUMENT, f"transient {TRANSIENT_KEY!r} is not JSON") from None
    records.save_personal_data(budget_id, parse(PersonalData, document))


def read(records: Records, tx: Tx, budget_id: str) -> PersonalData:
    _require_officer(records, tx, budget_id)
    return records.personal_data(budget_id)


def purge(records: Records, tx: Tx, budget_id: str) -> None:
    """Removes the data and its history from the collection; the budget is untouched."""
    _require_officer(records, tx, budget_id)
    records.purge_personal_data(budget_id)


def _require_officer(records: Records, tx: Tx, budget_id: str) -> None:
    require_officer_of(tx.caller, records.scheme(records.budget(budget_id).scheme_id).owner)
