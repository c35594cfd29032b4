"""Server-sent payment events: a till sees only its own shop's payments, and a till that lost its
connection resumes with Last-Event-ID exactly after the last event it saw."""
from __future__ import annotations

from .budgets_world import Holder, open_scheme
from .sse import events


def _pay(till, holder: Holder, category: str, amount: int = 100) -> str:
    response = till.post("/v1/budgets/payments", {"budget_id": holder.budget_id, "amount": amount,
                                                  "category": category, "code": holder.code()})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_resume_after_a_disconnect_misses_nothing_and_repeats_nothing(shops):
    officer, bike = shops["Municipality"].client("officer"), shops["Merchants"].client("fietsenwinkel")
    holder = Holder(officer, open_scheme(officer, bike), bike)
    height = bike.get("/v1/channels/kindpakket/height").json()["height"]
    first, second = _pay(bike, holder, "bicycles"), _pay(bike, holder, "bicycles")
    with bike.get("/v1/budgets/events", params={"start_block": height}, stream=True) as stream:
        seen = next(e for e in events(stream) if e.data["transaction_id"] == first)
    third = _pay(bike, holder, "bicycles")  # while the till is disconnected

    with bike.get("/v1/budgets/events", headers={"Last-Event-ID": seen.id}, stream=True) as stream:
        ours = (e for e in events(stream) if e.data["payload"]["budget_id"] == holder.budget_id)
        resumed = [next(ours).data["transaction_id"], next(ours).data["transaction_id"]]
    assert resumed == [second, third]


def test_a_till_sees_only_its_own_shops_payments(shops):
    officer = shops["Municipality"].client("officer")
    bike, sports = shops["Merchants"].client("fietsenwinkel"), shops["Merchants"].client("sportwinkel")
    holder = Holder(officer, open_scheme(officer, bike), bike)
    height = sports.get("/v1/channels/kindpakket/height").json()["height"]
    bikes = {_pay(bike, holder, "bicycles"), _pay(bike, holder, "bicycles")}
    own = _pay(sports, holder, "sports")
    with sports.get("/v1/budgets/events", params={"start_block": height}, stream=True) as stream:
        received = next(events(stream))
    assert received.data["transaction_id"] == own and own not in bikes
    assert received.data["payload"]["merchant_id"] == "sportwinkel"


def test_a_malformed_last_event_id_is_a_validation_error(shops):
    till = shops["Merchants"].client("fietsenwinkel")
    response = till.get("/v1/budgets/events", headers={"Last-Event-ID": "yesterday"})
    assert (response.status_code, response.json()["code"]) == (422, "VALIDATION_ERROR")
