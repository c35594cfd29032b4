"""Server-sent events: ids that resume, filtering, keep-alives while idle, errors as events, and
the Fabric stream closed when the client goes away."""
from __future__ import annotations

import json
import queue
import threading

import grpc
import pytest

from grootboek.api.areas.budgets.events import visible_to
from grootboek.api.auth.roles import Role
from grootboek.api.auth.user import User
from grootboek.api.errors import ApiError
from grootboek.api.events.feeds import Feeds, Subscription
from grootboek.api.events.positions import checkpoint
from grootboek.api.events.sse import event_stream, message, rendered
from grootboek.client import ChaincodeEvent, ChaincodeEventsError


class FakeStream:
    """An EventStream fed by the test; `close()` ends the iteration like the real one."""

    def __init__(self) -> None:
        self.inbox: queue.Queue = queue.Queue()
        self.closed = threading.Event()

    def push(self, item) -> None:
        self.inbox.put(item)

    def __iter__(self):
        return self

    def __next__(self):
        item = self.inbox.get()
        if item is None or self.closed.is_set():
            raise StopIteration
        if isinstance(item, Exception):
            raise item
        return item

    def close(self) -> None:
        self.closed.set()
        self.inbox.put(None)


def _event(block: int, tx: str, merchant: str) -> ChaincodeEvent:
    return ChaincodeEvent(block, tx, "budgets", "PaymentMade", json.dumps({"merchant_id": merchant}).encode())


def _live(stream):
    """What the route passes: a live subscription of a fresh gateway's feeds to `stream` (which
    closes as soon as its last subscriber leaves)."""
    return lambda keep: Feeds(linger=0).subscribe("kindpakket", "budgets", lambda start, after: stream, None, None,
                                                  "till", keep)


def _chunks(response):
    """The body as the front's loop writes it, iterated here the way any other server would."""
    return (chunk.decode() for chunk in response.response)


def test_events_carry_resumable_ids_and_only_what_the_filter_keeps():
    stream = FakeStream()
    response = event_stream(_live(stream), lambda event: event.payload["merchant_id"] == "bike")
    chunks = _chunks(response)
    assert next(chunks).startswith("retry: ")
    stream.push(_event(7, "tx-other", "sports"))
    stream.push(_event(7, "tx-own", "bike"))
    own = next(chunks)
    assert own.startswith("id: 7:tx-own\nevent: PaymentMade\ndata: ")
    assert json.loads(own.split("data: ", 1)[1])["payload"] == {"merchant_id": "bike"}
    response.close()  # the client went away
    assert stream.closed.is_set()


def test_events_already_queued_go_out_in_one_chunk_rendered_once_for_all_subscribers():
    def queued(keep) -> Subscription:
        subscription = Subscription(lambda: None, keep=keep)
        for tx in ("t1", "t2"):
            subscription.offer(_event(3, tx, "bike"))
        return subscription

    bodies = []
    for _ in range(2):  # two subscribers
        response = event_stream(queued, lambda event: True)
        chunks = _chunks(response)
        next(chunks)
        bodies.append(next(chunks))
        response.close()
    assert bodies[0].startswith("id: 3:t1\n") and "id: 3:t2\n" in bodies[0] and bodies[0] == bodies[1]
    assert rendered(_event(3, "t1", "bike"))[1] is rendered(_event(3, "t1", "bike"))[1]


def test_an_idle_stream_sends_keep_alives():
    stream = FakeStream()
    response = event_stream(_live(stream), lambda event: True, heartbeat=0.001)
    chunks = _chunks(response)
    next(chunks)
    assert next(chunks) == ": keep-alive\n\n"
    response.close()
    assert stream.closed.is_set()


def test_a_failing_stream_ends_with_an_error_event():
    stream = FakeStream()
    chunks = _chunks(event_stream(_live(stream), lambda event: True))
    next(chunks)
    stream.push(ChaincodeEventsError("gone", code=grpc.StatusCode.UNAVAILABLE))
    error = next(chunks)
    assert error.startswith("event: error\ndata: ") and '"code":"PEER_UNAVAILABLE"' in error
    assert list(chunks) == []


def test_last_event_id_is_a_checkpoint():
    position = checkpoint("12:abc123")
    assert (position.block_number, position.transaction_id) == (12, "abc123")
    assert checkpoint(None) is None
    with pytest.raises(ApiError) as malformed:
        checkpoint("12")
    assert malformed.value.errors[0].field == "header.Last-Event-ID"


def test_a_till_sees_its_own_merchant_and_an_officer_everything():
    till = User("till", "MerchantsMSP", frozenset({Role.MERCHANT}), "d", merchant="bike")
    officer = User("officer", "MunicipalityMSP", frozenset({Role.OFFICER}), "d")
    own, other = message(_event(1, "t1", "bike")), message(_event(1, "t2", "sports"))
    binary = message(ChaincodeEvent(1, "t3", "budgets", "Raw", b"\xff"))
    assert [visible_to(till)(e) for e in (own, other, binary)] == [True, False, False]
    assert all(visible_to(officer)(e) for e in (own, other, binary))
    assert binary.payload == {"base64": "/w=="}
