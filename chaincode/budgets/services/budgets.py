"""Budgets: issue, top-up, revoke, expire, re-issue activation (municipality officers); activation
(the municipality's gateway, for the holder's phone); balance and history (officers, or the holder
with a query token)."""
from __future__ import annotations

from grootboek.chaincode.contractapi.tx import Tx

from ..domain.activation import TRANSIENT_KEY, ActivationResult, ActivationTerms
from ..domain.balance import Balance
from ..domain.budget import Budget
from ..domain.budget_entry import BudgetEntry
from ..domain.errors import ErrorCode
from ..domain.fields import require
from ..domain.pages import Page
from ..storage.records import Records


def issue(records: Records, tx: Tx, budget_id: str, scheme_id: str, beneficiary: str, holder_key: str | None,
          activation: ActivationTerms | None = None) -> Budget:
    records.prefetch_issue(scheme_id, budget_id, beneficiary)
    budget, entry = Budget.issue(budget_id, records.scheme(scheme_id), beneficiary, holder_key, tx, activation)
    records.insert_budget(budget)
    records.add_budget_entry(entry)
    return budget


def top_up(records: Records, tx: Tx, budget_id: str, amount: int) -> Budget:
    budget = records.budget(budget_id)
    return _store(records, *budget.topped_up(records.scheme(budget.scheme_id), amount, tx))


def revoke(records: Records, tx: Tx, budget_id: str) -> Budget:
    budget = records.budget(budget_id)
    return _store(records, *budget.revoked(records.scheme(budget.scheme_id), tx))


def expire(records: Records, tx: Tx, budget_id: str) -> Budget:
    """Returns what is left to the municipality once the scheme is over (one budget per
    transaction, so expiring a whole scheme runs in parallel without conflicts)."""
    budget = records.budget(budget_id)
    return _store(records, *budget.expired(records.scheme(budget.scheme_id), tx))


def reissue_activation(records: Records, tx: Tx, budget_id: str, terms: ActivationTerms) -> Budget:
    budget = records.budget(budget_id)
    budget = budget.activation_reissued(records.scheme(budget.scheme_id), terms, tx)
    records.save_budget(budget)
    return budget


def activate(records: Records, tx: Tx, budget_id: str, holder_key: str,
             transient: dict[str, bytes]) -> ActivationResult:
    """The secret comes in the transient map, so no block holds it."""
    raw = transient.get(TRANSIENT_KEY)
    require(raw is not None, ErrorCode.INVALID_ARGUMENT, f"the activation secret goes in the transient field "
                                                         f"{TRANSIENT_KEY!r}")
    assert raw is not None
    try:
        secret = raw.decode()
    except UnicodeDecodeError:
        secret = ""  # cannot match any digest: counts as a wrong code
    budget = records.budget(budget_id)
    budget, result = budget.activated(records.scheme(budget.scheme_id), secret, holder_key, tx)
    records.save_budget(budget)
    return result


def balance(records: Records, tx: Tx, budget_id: str, holder_token: str) -> Balance:
    budget = records.budget(budget_id)
    scheme = records.scheme(budget.scheme_id)
    budget.require_readable(scheme, holder_token, tx)
    return Balance.of(budget, scheme)


def history(records: Records, tx: Tx, budget_id: str, holder_token: str, page_size: int,
            bookmark: str) -> Page[BudgetEntry]:
    budget = records.budget(budget_id)
    budget.require_readable(records.scheme(budget.scheme_id), holder_token, tx)
    return records.budget_history(budget_id, page_size, bookmark)


def _store(records: Records, budget: Budget, entry: BudgetEntry) -> Budget:
    records.save_budget(budget)
    records.add_budget_entry(entry)
    return budget
