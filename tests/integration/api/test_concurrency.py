"""Concurrent payments from one budget: every one either commits (the gateway retried lost MVCC
races with new proposals) or is refused as a conflict, and the ledger agrees with the answers."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from .budgets_world import Holder, open_scheme
from .commits import committed_on


def test_racing_payments_on_one_budget_are_retried_or_refused_never_lost(shops):
    officer, bike = shops["Municipality"].client("officer"), shops["Merchants"].client("fietsenwinkel")
    holder = Holder(officer, open_scheme(officer, bike), bike)
    codes = [holder.code() for _ in range(6)]

    def pay(code: str):
        return shops["Merchants"].client("fietsenwinkel").post(
            "/v1/budgets/payments", {"budget_id": holder.budget_id, "amount": 100, "category": "bicycles",
                                     "code": code})

    with ThreadPoolExecutor(len(codes)) as pool:
        responses = list(pool.map(pay, codes))
    paid = [r for r in responses if r.status_code == 201]
    refused = [r for r in responses if r.status_code != 201]
    assert paid, [r.text for r in responses]
    assert all(r.status_code == 409 and r.json()["code"] in {"MVCC_READ_CONFLICT", "ENDORSEMENT_MISMATCH"}
               for r in refused), [r.text for r in refused]
    for response in paid:
        committed_on(officer, "kindpakket", response)
    balance = officer.get(f"/v1/budgets/budgets/{holder.budget_id}/balance").json()["balance"]
    assert balance == 25_000 - 100 * len(paid)
