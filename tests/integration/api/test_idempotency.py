"""Idempotency-Key: a repeated write returns the first result and never submits twice, also when
the repeats arrive at once on different connections and threads."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from .budgets_world import Holder, open_scheme
from .commits import committed_on


def _payment(holder: Holder, amount: int = 1000) -> dict:
    return {"budget_id": holder.budget_id, "amount": amount, "category": "bicycles", "code": holder.code()}


def _balance(officer, holder: Holder, paid) -> int:
    committed_on(officer, "kindpakket", paid)  # the payment went through the merchants' peer
    return officer.get(f"/v1/budgets/budgets/{holder.budget_id}/balance").json()["balance"]


def test_a_repeat_returns_the_first_result_without_paying_again(shops):
    officer, bike = shops["Municipality"].client("officer"), shops["Merchants"].client("fietsenwinkel")
    holder = Holder(officer, open_scheme(officer, bike), bike)
    key, body = {"Idempotency-Key": str(uuid.uuid4())}, _payment(holder)
    first = bike.post("/v1/budgets/payments", body, headers=key)
    again = bike.post("/v1/budgets/payments", body, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert again.headers["X-Transaction-Id"] == first.headers["X-Transaction-Id"]
    assert _balance(officer, holder, first) == 24_000


def test_a_key_reused_for_another_request_is_refused(shops):
    officer, bike = shops["Municipality"].client("officer"), shops["Merchants"].client("fietsenwinkel")
    holder = Holder(officer, open_scheme(officer, bike), bike)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    paid = bike.post("/v1/budgets/payments", _payment(holder), headers=key)
    assert paid.status_code == 201
    other = bike.post("/v1/budgets/payments", _payment(holder, 500), headers=key)
    assert (other.status_code, other.json()["code"]) == (422, "IDEMPOTENCY_KEY_REUSED")
    assert _balance(officer, holder, paid) == 24_000


def test_a_refusal_is_the_first_result_too(shops):
    officer, bike = shops["Municipality"].client("officer"), shops["Merchants"].client("fietsenwinkel")
    holder = Holder(officer, open_scheme(officer, bike), bike)
    key, body = {"Idempotency-Key": str(uuid.uuid4())}, {**_payment(holder), "category": "liquor"}
    first = bike.post("/v1/budgets/payments", body, headers=key)
    again = bike.post("/v1/budgets/payments", body, headers=key)
    assert first.status_code == again.status_code == 422
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"


def test_concurrent_duplicates_on_every_worker_pay_once(shops):
    officer, bike = shops["Municipality"].client("officer"), shops["Merchants"].client("fietsenwinkel")
    holder = Holder(officer, open_scheme(officer, bike), bike)
    key, body = {"Idempotency-Key": str(uuid.uuid4())}, _payment(holder)
    gateway = shops["Merchants"]

    def pay(_: int):
        return gateway.client("fietsenwinkel").post("/v1/budgets/payments", body, headers=key)

    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(pay, range(8)))
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(1 for r in responses if "Idempotent-Replayed" not in r.headers) == 1
    assert _balance(officer, holder, responses[0]) == 24_000
    history = officer.get(f"/v1/budgets/budgets/{holder.budget_id}/history", params={"page_size": 10}).json()
    assert [entry["kind"] for entry in history["items"]] == ["issued", "paid"]
    assert bike.get(f"/v1/budgets/payments/{responses[0].json()['id']}").status_code == 200
