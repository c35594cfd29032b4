"""bench.faults reconciles what each till was told against what the ledger holds: a payment
acknowledged but missing is lost, a code on the ledger twice is a duplicate, a payment on the
ledger whose till was told it failed (or never answered) charged a customer who walked away."""
from bench.faults import Payment, reconcile


def _payment(nonce: str, started: float, answered: float | None, status: int | None, tx: str | None = None,
             code: str | None = None) -> Payment:
    return Payment(f"key-{nonce}", nonce, started, answered, status, code, tx)


def test_every_kind_of_discrepancy_is_counted_and_the_final_answer_time_is_from_the_repair():
    payments = [
        _payment("n1", 1.0, 2.0, 201, "tx1"),  # paid and on the ledger
        _payment("n2", 3.0, 25.0, 201, "tx2"),  # acknowledged, missing: lost
        _payment("n3", 4.0, 30.0, 409, "tx3", "PAYMENT_CANCELLED"),  # told failed, yet on the ledger
        _payment("n4", 12.0, 13.0, 201, "tx4"),  # begun after the repair: not in final_within
    ]
    on_ledger = {"tx1": "n1", "tx3": "n3", "tx4": "n4", "tx5": "n4"}  # n4 paid twice
    row = reconcile("gateway", payments, on_ledger, repaired=10.0)
    assert (row["acknowledged"], row["on_ledger"], row["lost"], row["duplicated"]) == (3, 4, 1, 1)
    assert (row["charged_failed"], row["unanswered"], row["final_within_s"]) == (1, 0, 20.0)
    assert row["final_errors"] == "PAYMENT_CANCELLED:1"


def test_a_payment_begun_before_the_repair_that_never_got_an_answer_leaves_final_within_open():
    row = reconcile("peer", [_payment("n1", 1.0, None, None)], {"tx1": "n1"}, repaired=5.0)
    assert (row["unanswered"], row["charged_failed"], row["final_within_s"]) == (1, 1, None)
