"""Budgets: issue, top-up, revoke, expire, re-issue activation (municipality officers); activation
(the municipality's gateway, for the holder's phone); balance and history (officers, or the holder
with a query token)."""
from __future__ import annotations

from collections import Counter

from grootboek.chaincode.contractapi.tx import Tx

from ..domain.activation import TRANSIENT_KEY, ActivationResult, ActivationTerms
from ..domain.balance import Balance
from ..domain.budget import MAX_GRANTS_PER_BATCH, Budget, BudgetGrant, IssuedBatch
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


def issue_batch(records: Records, tx: Tx, scheme_id: str, grants: list[BudgetGrant]) -> IssuedBatch:
    """Many budgets of one scheme in one transaction, all or none (a scheme's start, a file of
    beneficiaries): the same rules as one by one, in one round trip for every read."""
    require(0 < len(grants) <= MAX_GRANTS_PER_BATCH, ErrorCode.INVALID_ARGUMENT,
            f"a batch issues 1 to {MAX_GRANTS_PER_BATCH} budgets, not {len(grants)}")
    # Reads do not see this transaction's own writes, so the batch is checked against itself here.
    for field, values in (("budget id", [g.budget_id for g in grants]), ("beneficiary", [g.beneficiary for g in grants])):
        repeated = sorted(value for value, count in Counter(values).items() if count > 1)
        require(not repeated, ErrorCode.INVALID_ARGUMENT, f"the batch names {field} {', '.join(repeated)} more than once")
    records.prefetch_issue_batch(scheme_id, [(g.budget_id, g.beneficiary) for g in grants])
    issued = [issue(records, tx, g.budget_id, scheme_id, g.beneficiary, g.holder_key, g.activation) for g in grants]
    return IssuedBatch.build(scheme_id=scheme_id, budget_ids=[b.id for b in issued],
                             granted=sum(b.granted for b in issued))


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
