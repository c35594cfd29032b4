"""The budgets story over HTTP: scheme, merchants, budget, personal data, a payment seen live by
the shop's till, refund, settlement, confirmation, statement, report and history."""
from __future__ import annotations

import uuid

from .budgets_world import Holder, open_scheme
from .commits import committed_on
from .sse import events

PERSONAL = {"name": "J. de Vries", "bsn": "111222333", "address": "Hoofdstraat 1, 9801 AA Zuidhorn"}


def test_pay_refund_settle_confirm_with_live_events(shops):
    officer = shops["Municipality"].client("officer")
    bike = shops["Merchants"].client("fietsenwinkel")
    scheme = open_scheme(officer, bike)
    holder = Holder(officer, scheme, bike)
    budget = f"/v1/budgets/budgets/{holder.budget_id}"

    assert officer.put(f"{budget}/personal-data", PERSONAL).status_code == 204
    assert officer.get(f"{budget}/personal-data").json() == PERSONAL

    height = bike.get("/v1/channels/kindpakket/height").json()["height"]
    with bike.get("/v1/budgets/events", params={"start_block": height}, stream=True) as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        paid = bike.post("/v1/budgets/payments", {"budget_id": holder.budget_id, "amount": 4500,
                                                   "category": "bicycles", "code": holder.code()},
                         headers={"Idempotency-Key": str(uuid.uuid4())})
        assert paid.status_code == 201, paid.text
        payment = paid.json()
        assert payment["id"] == paid.headers["X-Transaction-Id"]
        event = next(e for e in events(stream) if e.data["transaction_id"] == payment["id"])
    assert event.name == "PaymentMade"
    assert event.data["payload"]["merchant_id"] == "fietsenwinkel"
    assert event.id == f"{event.data['block_number']}:{payment['id']}"

    balance = bike.get(f"{budget}/balance", params={"holder_token": holder.token()})
    assert balance.json()["balance"] == 20_500
    refunded = bike.post(f"/v1/budgets/payments/{payment['id']}/refunds", {"amount": 1500})
    assert refunded.json()["refunded"] == 1500

    settled = officer.post("/v1/budgets/settlements", {"scheme_id": scheme, "merchant_id": "fietsenwinkel",
                                                       "bank_reference": f"NL-{uuid.uuid4().hex[:8]}"})
    assert settled.status_code == 201, settled.text
    assert settled.json()["quantity"] >= 3000
    committed_on(bike, "kindpakket", settled)
    confirmed = bike.post(f"/v1/budgets/settlements/{settled.json()['id']}/confirm")
    assert confirmed.json()["status"] == "confirmed"
    committed_on(officer, "kindpakket", confirmed)

    statement = bike.get("/v1/budgets/merchants/fietsenwinkel/statement", params={"page_size": 100}).json()
    assert {"payment", "refund"} <= {line["kind"] for line in statement["items"]}
    report = officer.get(f"/v1/budgets/schemes/{scheme}/report", params={"page_size": 10}).json()
    assert report["totals"]["spent"] == 3000 and report["totals"]["beneficiaries"] == 1
    history = officer.get(f"{budget}/history", params={"page_size": 10}).json()
    assert [entry["kind"] for entry in history["items"]] == ["issued", "paid", "refunded"]

    assert officer.delete(f"{budget}/personal-data").status_code == 204
    assert officer.get(f"{budget}/personal-data").json()["code"] == "NOT_FOUND"


def test_refusals_keep_the_chaincode_code_and_a_business_status(shops):
    officer = shops["Municipality"].client("officer")
    bike = shops["Merchants"].client("fietsenwinkel")
    holder = Holder(officer, open_scheme(officer, bike), bike)
    code = holder.code()
    payment = {"budget_id": holder.budget_id, "amount": 1000, "category": "bicycles", "code": code}
    assert bike.post("/v1/budgets/payments", payment).status_code == 201
    replayed = bike.post("/v1/budgets/payments", payment)
    assert (replayed.status_code, replayed.json()["code"]) == (409, "CODE_REPLAYED")
    assert replayed.json()["transaction_id"]
    liquor = bike.post("/v1/budgets/payments", {**payment, "category": "liquor", "code": holder.code()})
    assert (liquor.status_code, liquor.json()["code"]) == (422, "CATEGORY_NOT_ALLOWED")
    too_much = bike.post("/v1/budgets/payments", {**payment, "amount": 30_000, "code": holder.code()})
    assert (too_much.status_code, too_much.json()["code"]) == (422, "AMOUNT_ABOVE_MAXIMUM")
    unknown = bike.get("/v1/budgets/payments/no-such-payment")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "NOT_FOUND")
