"""The payments benchmark's bookkeeping (bench/payments.py): which budget a call pays from, what
the clients saw, and the checks that call a run overspent or lossy."""
from __future__ import annotations

from bench.load import Client, Sample
from bench.payments import AMOUNT, Pay, Seen, budget_problems, outside

GRANTED = 10_000


def balance(spent: int, granted: int = GRANTED) -> dict:
    return {"granted": granted, "balance": granted - spent, "spent": spent, "returned": 0}


def test_each_thread_pays_from_its_own_budgets_in_turn():
    pay = Pay(tuple((f"b{i}", "") for i in range(12)), per_thread=3)
    owned = {thread: {pay.budget(thread, n) for n in range(30)} for thread in range(4)}
    assert owned[1] == {3, 4, 5}
    assert all(owned[a].isdisjoint(owned[b]) for a in owned for b in owned if a < b)
    assert [pay.budget(2, n) for n in range(4)] == [6, 7, 8, 6]  # never the same budget twice in a row


def test_seen_counts_committed_payments_by_budget_and_shop_and_keeps_unknown_outcomes_apart():
    pay = Pay(tuple((f"b{i}", "") for i in range(4)), per_thread=2)
    clients = [Client("Merchants", "fietsenwinkel", 1), Client("Merchants", "sportwinkel", 1)]
    samples = [
        Sample(0, 0, 0.0, 1.0),                                     # b0, fietsenwinkel
        Sample(0, 1, 1.0, 2.0, "MVCC_READ_CONFLICT"),               # wrote nothing
        Sample(1, 0, 0.0, 1.0),                                     # b2, sportwinkel
        Sample(1, 1, 1.0, 2.0, "CommitStatusError: deadline exceeded"),  # b3, may have committed
        Sample(1, 2, 2.0, 3.0),                                     # b2 again
    ]
    seen = Seen.of(pay, samples, clients)
    assert seen.committed == {"b0": 1, "b2": 2}
    assert seen.unknown == {"b3": 1}
    assert seen.by_shop == {"fietsenwinkel": 1, "sportwinkel": 2}


def test_a_budget_that_matches_what_the_clients_saw_has_no_problems():
    assert budget_problems("b1", balance(3 * AMOUNT), paid=3, committed=3, unknown=0) == []
    assert budget_problems("b1", balance(4 * AMOUNT), paid=4, committed=3, unknown=1) == []


def test_a_lost_or_an_extra_payment_is_a_problem():
    lost = budget_problems("b1", balance(2 * AMOUNT), paid=2, committed=3, unknown=0)
    extra = budget_problems("b1", balance(4 * AMOUNT), paid=4, committed=3, unknown=0)
    assert lost == ["b1 payments in its history: 2, clients saw 3"]
    assert extra == ["b1 payments in its history: 4, clients saw 3"]


def test_an_overspent_or_inconsistent_budget_is_a_problem():
    overspent = budget_problems("b1", balance(GRANTED + AMOUNT), paid=GRANTED // AMOUNT + 1,
                                committed=GRANTED // AMOUNT + 1, unknown=0)
    assert overspent == [f"b1: overspent ({balance(GRANTED + AMOUNT)})"]
    broken = {"granted": GRANTED, "balance": GRANTED, "spent": AMOUNT, "returned": 0}
    problems = budget_problems("b1", broken, paid=1, committed=1, unknown=0)
    assert problems == [f"b1: granted ≠ balance + spent + returned ({broken})"]
    assert budget_problems("b1", balance(AMOUNT), paid=2, committed=2, unknown=0)[0] == \
        f"b1: spent {AMOUNT} for 2 payments of {AMOUNT}"


def test_outside_names_the_range_the_clients_saw():
    assert outside("lines", 5, 5, 5) == []
    assert outside("lines", 6, 4, 5) == ["lines: 6, clients saw 4 to 5"]
