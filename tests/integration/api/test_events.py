"""Server-sent payment events: a till sees only its own shop's payments, a till that lost its
connection resumes with Last-Event-ID exactly after the last event it saw, and one user cannot hold
more streams than its limit."""
from __future__ import annotations

import secrets
import time

from grootboek.api.config import load as load_config

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


def test_one_user_holds_at_most_its_streams_and_others_are_not_refused(shops):
    merchants = shops["Merchants"]
    limit = load_config(merchants.config_path).limits.event_streams_per_user
    # A till user of its own: the browser tests' tills may still hold streams of the shared shops.
    name = f"streams-{secrets.token_hex(3)}"
    merchants.admin("user", "enroll", name, "--merchant", name)
    merchants.issue_token(name)
    bike, sports = merchants.client(name), merchants.client("sportwinkel")
    held = []
    try:
        for _ in range(limit):
            held.append(bike.get("/v1/budgets/events", stream=True))
            assert held[-1].status_code == 200, held[-1].text
        refused = bike.get("/v1/budgets/events")
        assert (refused.status_code, refused.json()["code"]) == (429, "TOO_MANY_STREAMS")
        assert int(refused.headers["Retry-After"]) > 0
        held.append(sports.get("/v1/budgets/events", stream=True))
        assert held[-1].status_code == 200, held[-1].text  # another shop's till is not affected
        held.pop(0).close()
        # The gateway gives the stream back when it sees the connection close: within moments.
        deadline = time.monotonic() + 10
        while (again := bike.get("/v1/budgets/events", stream=True)).status_code == 429:
            again.close()
            assert time.monotonic() < deadline, "the closed stream was never given back"
        held.append(again)
        assert again.status_code == 200, again.text
    finally:
        for stream in held:
            stream.close()
