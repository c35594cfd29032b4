from datetime import timedelta

import pytest
from hypothesis import given, settings, strategies as st

from grootboek.chaincode.budgets.domain.budget import Budget, BudgetStatus
from grootboek.chaincode.budgets.domain.budget_entry import BudgetEntryKind
from grootboek.chaincode.budgets.domain.errors import BudgetError, ErrorCode
from grootboek.chaincode.budgets.domain.holder_codes import query_token

from .kindpakket import OFFICER as OFFICER_IDENTITY, Kindpakket
from .refusals import refused
from .scenario import (CLERK, END, FAKE_OFFICER, HOLDER_KEY, HOLDER_PEM, NOW, OFFICER, OTHER_KEY, budget,
                       draft_scheme, open_scheme, tx)


def test_issue_grants_the_schemes_amount_and_starts_the_history():
    scheme = open_scheme()
    issued, entry = Budget.issue("b-0001", scheme, "pseudo-0001", HOLDER_PEM, tx(OFFICER))
    assert (issued.status, issued.granted, issued.balance, issued.entries) == (BudgetStatus.ACTIVE, 25_000, 25_000, 1)
    assert (entry.seq, entry.kind, entry.amount, entry.balance) == (0, BudgetEntryKind.ISSUED, 25_000, 25_000)


def test_budgets_can_be_issued_to_a_draft_scheme_but_not_after_it():
    Budget.issue("b-0001", draft_scheme(), "p", HOLDER_PEM, tx(OFFICER))
    with refused(ErrorCode.OUTSIDE_PERIOD):
        Budget.issue("b-0001", open_scheme(), "p", HOLDER_PEM, tx(OFFICER, END))
    with refused(ErrorCode.SCHEME_CLOSED):
        Budget.issue("b-0001", open_scheme().closed(tx(OFFICER)), "p", HOLDER_PEM, tx(OFFICER))


@pytest.mark.parametrize("caller", [CLERK, FAKE_OFFICER])
def test_only_the_owners_officer_issues(caller):
    with refused(ErrorCode.FORBIDDEN):
        Budget.issue("b-0001", open_scheme(), "p", HOLDER_PEM, tx(caller))


def test_the_holder_key_must_be_p256():
    with refused(ErrorCode.INVALID_ARGUMENT):
        Budget.issue("b-0001", open_scheme(), "p", "not a key", tx(OFFICER))


def test_top_up_adds_to_grant_and_balance():
    scheme = open_scheme()
    topped, entry = budget(scheme).topped_up(scheme, 5_000, tx(OFFICER))
    assert (topped.granted, topped.balance, entry.kind, entry.seq) == (30_000, 30_000, BudgetEntryKind.TOPPED_UP, 1)
    for amount in (0, -5, 2**63, "5"):
        with refused(ErrorCode.INVALID_ARGUMENT):
            budget(scheme).topped_up(scheme, amount, tx(OFFICER))
    with refused(ErrorCode.FORBIDDEN):
        budget(scheme).topped_up(scheme, 5, tx(CLERK))


def test_revoke_returns_the_balance_and_blocks_everything_after():
    scheme = open_scheme()
    revoked, entry = budget(scheme).revoked(scheme, tx(OFFICER))
    assert (revoked.status, revoked.balance, revoked.returned, entry.amount) == (
        BudgetStatus.REVOKED, 0, 25_000, 25_000)
    with refused(ErrorCode.BUDGET_REVOKED):
        revoked.topped_up(scheme, 100, tx(OFFICER))
    with refused(ErrorCode.BUDGET_REVOKED):
        revoked.debited(scheme, 100, "bicycles", "fietsenwinkel", "p1", tx(OFFICER))
    with refused(ErrorCode.BUDGET_REVOKED):
        revoked.revoked(scheme, tx(OFFICER))


def test_expiry_only_after_the_period_or_closure():
    scheme = open_scheme()
    spent, _ = budget(scheme).debited(scheme, 5_000, "bicycles", "fietsenwinkel", "p1", tx(OFFICER))
    with refused(ErrorCode.INVALID_STATE):
        spent.expired(scheme, tx(OFFICER))
    expired, entry = spent.expired(scheme, tx(OFFICER, END))
    assert (expired.status, expired.balance, expired.returned, entry.amount) == (
        BudgetStatus.EXPIRED, 0, 20_000, 20_000)
    with refused(ErrorCode.INVALID_STATE):
        expired.expired(scheme, tx(OFFICER, END))
    with refused(ErrorCode.BUDGET_EXPIRED):
        expired.debited(scheme, 1, "bicycles", "fietsenwinkel", "p2", tx(OFFICER))
    with refused(ErrorCode.FORBIDDEN):
        spent.expired(scheme, tx(CLERK, END))


def test_debit_checks_cap_and_balance_and_keeps_totals():
    scheme = open_scheme()
    b, entry = budget(scheme).debited(scheme, 8_000, "clothing", "kledingwinkel", "p1", tx(OFFICER))
    assert (b.balance, b.spent_by_category, b.spent_by_merchant) == (
        17_000, {"clothing": 8_000}, {"kledingwinkel": 8_000})
    assert (entry.kind, entry.payment_id, entry.merchant_id, entry.category) == (BudgetEntryKind.PAID, "p1", "kledingwinkel", "clothing")
    with refused(ErrorCode.CATEGORY_CAP_EXCEEDED):
        b.debited(scheme, 2_001, "clothing", "kledingwinkel", "p2", tx(OFFICER))
    b, _ = b.debited(scheme, 2_000, "clothing", "kledingwinkel", "p2", tx(OFFICER))
    b, _ = b.debited(scheme, 15_000, "bicycles", "fietsenwinkel", "p3", tx(OFFICER))
    with refused(ErrorCode.INSUFFICIENT_BALANCE):
        b.debited(scheme, 1, "bicycles", "fietsenwinkel", "p4", tx(OFFICER))
    assert b.balance == 0 and b.spent == 25_000


def test_credit_goes_back_to_the_balance_or_to_the_municipality():
    scheme = open_scheme()
    paid, _ = budget(scheme).debited(scheme, 8_000, "clothing", "kledingwinkel", "p1", tx(OFFICER))
    back, entry = paid.credited(8_000, "clothing", "kledingwinkel", "p1", tx(OFFICER))
    assert (back.balance, back.spent_by_category, back.spent_by_merchant) == (25_000, {}, {})
    assert entry.kind is BudgetEntryKind.REFUNDED
    revoked, _ = paid.revoked(scheme, tx(OFFICER))
    late, _ = revoked.credited(3_000, "clothing", "kledingwinkel", "p1", tx(OFFICER))
    assert (late.balance, late.returned, late.spent) == (0, 20_000, 5_000)


def test_readers_are_the_owners_officers_and_the_holder_with_a_token():
    scheme = open_scheme()
    b = budget(scheme)
    b.require_readable(scheme, "", tx(OFFICER))
    token = query_token(HOLDER_KEY, b.id, NOW + timedelta(minutes=1))
    b.require_readable(scheme, token, tx(CLERK))
    with refused(ErrorCode.FORBIDDEN):
        b.require_readable(scheme, "", tx(FAKE_OFFICER))
    with refused(ErrorCode.CODE_INVALID):
        b.require_readable(scheme, query_token(OTHER_KEY, b.id, NOW + timedelta(minutes=1)), tx(CLERK))


movements = st.lists(st.tuples(st.sampled_from(["pay", "refund", "top-up", "revoke"]),
                               st.sampled_from(["bicycles", "clothing", "sports"]),
                               st.integers(min_value=1, max_value=30_000)), max_size=30)


@settings(deadline=None)  # correctness only; speed is measured in bench/
@given(movements)
def test_granted_always_equals_balance_plus_spent_plus_returned(steps):
    scheme = open_scheme()
    b = budget(scheme)
    seq = b.entries
    for kind, category, amount in steps:
        try:
            if kind == "pay":
                b, entry = b.debited(scheme, amount, category, "m", "p", tx(OFFICER))
            elif kind == "refund":
                amount = min(amount, b.spent_by_category.get(category, 0))
                if not amount:
                    continue
                b, entry = b.credited(amount, category, "m", "p", tx(OFFICER))
            elif kind == "top-up":
                b, entry = b.topped_up(scheme, amount, tx(OFFICER))
            else:
                b, entry = b.revoked(scheme, tx(OFFICER))
        except BudgetError:
            continue
        assert entry.seq == seq and entry.balance == b.balance
        seq += 1
        assert b.granted == b.balance + b.spent + b.returned
        assert b.balance >= 0 and all(v > 0 for v in b.spent_by_category.values())
        assert b.spent_by_category.get("clothing", 0) <= 10_000


@pytest.mark.parametrize("budget_id, beneficiary", [("bad id!", "p"), ("b-1", ""), ("b" * 65, "p")])
def test_ids_from_callers_are_validated(budget_id, beneficiary):
    with refused(ErrorCode.INVALID_ARGUMENT):
        Budget.issue(budget_id, open_scheme(), beneficiary, HOLDER_PEM, tx(OFFICER))


def test_a_query_token_given_is_checked_even_for_an_officer():
    """A gateway that reads for phones may act with an officer's identity: a token it passes on
    must still be the holder's."""
    world = Kindpakket().setup()
    world.issue("b-0001")
    world.issue("b-0002")
    assert world.ok(OFFICER_IDENTITY, "balance", "b-0001", world.token("b-0001"))["balance"] == 25_000
    world.refused(ErrorCode.CODE_INVALID, OFFICER_IDENTITY, "balance", "b-0001", world.token("b-0002"))
    world.refused(ErrorCode.CODE_INVALID, OFFICER_IDENTITY, "history", "b-0001", 10, "", world.token("b-0002"))
