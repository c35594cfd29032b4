"""Budgets: issue, top-up, revoke, expire (municipality officers); balance and history (officers,
or the holder with a query token)."""
from __future__ import annotations

from grootboek.chaincode.contractapi.tx import Tx

from ..domain.balance import Balance
from ..domain.budget import Budget
from ..domain.budget_entry import BudgetEntry
from ..domain.pages import Page
from ..storage.records import Records


def issue(records: Records, tx: Tx, budget_id: str, scheme_id: str, beneficiary: str, holder_key: str) -> Budget:
    records.prefetch_issue(scheme_id, budget_id, beneficiary)
    budget, entry = Budget.issue(budget_id, records.scheme(scheme_id), beneficiary, holder_key, tx)
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
