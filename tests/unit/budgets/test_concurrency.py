"""Which transactions can run side by side: payments never serialise on a shop or a scheme, two
payments on one budget can never both commit, and a settlement never fails a payment."""
from .access import Access, RecordingBudgets
from .kindpakket import BIKE_SHOP, OFFICER, SCHEME, SPORTS_SHOP
from .scenario import END


def _access(contract: RecordingBudgets, run) -> Access:
    run()
    return contract.log[-1]


def test_payments_on_different_budgets_at_one_shop_do_not_conflict(recorded):
    world, contract = recorded
    first = _access(contract, lambda: world.pay(1_000, budget_id="b-1"))
    second = _access(contract, lambda: world.pay(2_000, budget_id="b-2"))
    other_shop = _access(contract, lambda: world.pay(500, "sports", SPORTS_SHOP, "b-3"))
    for a, b in ((first, second), (first, other_shop), (second, other_shop)):
        assert not a.fails_after(b) and not b.fails_after(a)


def test_two_payments_on_one_budget_never_both_commit(recorded):
    world, contract = recorded
    first = _access(contract, lambda: world.pay(1_000, budget_id="b-1"))
    second = _access(contract, lambda: world.pay(2_000, "sports", SPORTS_SHOP, "b-1"))
    assert second.fails_after(first) and first.fails_after(second)
    assert ("budget", "b-1") in first.reads & first.writes


def test_a_settlement_fails_on_a_concurrent_payment_but_never_the_payment(recorded):
    world, contract = recorded
    world.pay(1_000, budget_id="b-1")
    settlement = _access(contract, lambda: world.ok(OFFICER, "settle", SCHEME, "fietsenwinkel", "NL-1"))
    payment = _access(contract, lambda: world.pay(2_000, budget_id="b-2"))
    assert settlement.fails_after(payment)
    assert not payment.fails_after(settlement)


def test_refunds_issues_and_expiries_of_different_budgets_run_side_by_side(recorded):
    world, contract = recorded
    paid = world.pay(1_000, budget_id="b-1")
    refund = _access(contract, lambda: world.ok(BIKE_SHOP, "refund", paid["id"], 500))
    payment = _access(contract, lambda: world.pay(700, budget_id="b-2"))
    issues = [_access(contract, lambda n=n: world.issue(f"new-{n}")) for n in range(2)]
    expiries = [_access(contract, lambda b=b: world.ok(OFFICER, "expire_budget", b, at=END)) for b in ("b-2", "b-3")]
    for a, b in ((refund, payment), tuple(issues), tuple(expiries)):
        assert not a.fails_after(b) and not b.fails_after(a)
