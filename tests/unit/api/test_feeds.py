"""Shared event feeds: one upstream stream for every live subscriber of a chaincode, resuming
from memory, a stream of its own for a position the feed no longer holds, slow subscribers
dropped without holding up the others."""
from __future__ import annotations

import asyncio
import json

import pytest

from grootboek.api.errors import ApiError
from grootboek.api.events.feeds import END, FellBehind, Feeds, QUEUE_EVENTS
from grootboek.client import ChaincodeEvent, InMemoryCheckpointer

from .test_events import FakeStream


class Upstreams:
    """Opens FakeStreams and remembers with which position each was asked for."""

    def __init__(self) -> None:
        self.opened: list[tuple[int | None, InMemoryCheckpointer | None, FakeStream]] = []

    def __call__(self, start_block, checkpoint) -> FakeStream:
        stream = FakeStream()
        self.opened.append((start_block, checkpoint, stream))
        return stream

    @property
    def live(self) -> FakeStream:
        return self.opened[0][2]


def ALL(event: ChaincodeEvent) -> bool:
    return True


def event(block: int, tx: str) -> ChaincodeEvent:
    return ChaincodeEvent(block, tx, "budgets", "PaymentMade", json.dumps({"tx": tx}).encode())


async def take(subscription, count: int) -> list:
    return [await asyncio.wait_for(subscription.get(), 5) for _ in range(count)]


def run(coroutine):
    return asyncio.run(coroutine)


def test_live_subscribers_share_one_upstream_and_see_the_same_events():
    async def scenario():
        feeds, upstreams = Feeds(), Upstreams()
        first = feeds.subscribe("kindpakket", "budgets", upstreams, None, None, "till", ALL)
        second = feeds.subscribe("kindpakket", "budgets", upstreams, None, None, "till", ALL)
        upstreams.live.push(event(5, "a"))
        upstreams.live.push(event(6, "b"))
        got = [await take(first, 2), await take(second, 2)]
        first.close(), second.close()
        return upstreams, got

    upstreams, got = run(scenario())
    assert len(upstreams.opened) == 1 and upstreams.opened[0][:2] == (None, None)
    assert [[e.transaction_id for e in events] for events in got] == [["a", "b"], ["a", "b"]]


def test_a_reconnecting_subscriber_resumes_from_memory():
    async def scenario():
        feeds, upstreams = Feeds(), Upstreams()
        live = feeds.subscribe("kindpakket", "budgets", upstreams, None, None, "till", ALL)
        for number, tx in ((5, "a"), (5, "b"), (6, "c")):
            upstreams.live.push(event(number, tx))
        await take(live, 3)
        resumed = feeds.subscribe("kindpakket", "budgets", upstreams, None, InMemoryCheckpointer(5, "a"), "till", ALL)
        upstreams.live.push(event(7, "d"))
        got = await take(resumed, 3)
        from_block = feeds.subscribe("kindpakket", "budgets", upstreams, 6, None, "till", ALL)
        later = await take(from_block, 2)
        return upstreams, got, later

    upstreams, got, later = run(scenario())
    assert len(upstreams.opened) == 1
    assert [e.transaction_id for e in got] == ["b", "c", "d"]
    assert [e.transaction_id for e in later] == ["c", "d"]


def test_a_position_the_feed_does_not_hold_gets_a_stream_of_its_own():
    async def scenario():
        feeds, upstreams = Feeds(), Upstreams()
        live = feeds.subscribe("kindpakket", "budgets", upstreams, None, None, "till", ALL)
        upstreams.live.push(event(9, "a"))
        await take(live, 1)
        old = feeds.subscribe("kindpakket", "budgets", upstreams, None, InMemoryCheckpointer(3, "x"), "till", ALL)
        upstreams.opened[1][2].push(event(4, "history"))
        got = await take(old, 1)
        old.close()
        return upstreams, got

    upstreams, got = run(scenario())
    assert [(start, after.block_number if after else None) for start, after, _ in upstreams.opened] \
        == [(None, None), (None, 3)]
    assert got[0].transaction_id == "history"
    assert upstreams.opened[1][2].closed.is_set()  # its own stream ends with its subscriber


def test_a_subscriber_that_does_not_read_falls_behind_alone():
    async def scenario():
        feeds, upstreams = Feeds(), Upstreams()
        slow = feeds.subscribe("kindpakket", "budgets", upstreams, None, None, "till", ALL)
        reader = feeds.subscribe("kindpakket", "budgets", upstreams, None, None, "till", ALL)
        received = 0
        for number in range(QUEUE_EVENTS + 10):
            upstreams.live.push(event(number, f"t{number}"))
            await take(reader, 1)
            received += 1
        drained = [await take(slow, 1) for _ in range(QUEUE_EVENTS)]
        return received, len(drained), await take(slow, 1)

    received, drained, last = run(scenario())
    assert received == QUEUE_EVENTS + 10
    assert drained == QUEUE_EVENTS  # what it had queued still arrives, in order
    assert isinstance(last[0], FellBehind) and "Last-Event-ID" in str(last[0])


def test_an_upstream_failure_reaches_every_subscriber_and_the_next_opens_a_new_feed():
    async def scenario():
        feeds, upstreams = Feeds(), Upstreams()
        subscribers = [feeds.subscribe("kindpakket", "budgets", upstreams, None, None, "till", ALL) for _ in range(2)]
        upstreams.live.push(RuntimeError("peer gone"))
        ends = [await take(s, 1) for s in subscribers]
        feeds.subscribe("kindpakket", "budgets", upstreams, None, None, "till", ALL)
        return upstreams, ends

    upstreams, ends = run(scenario())
    assert [str(end[0]) for end in ends] == ["peer gone", "peer gone"]
    assert len(upstreams.opened) == 2


def test_the_upstream_closes_when_its_last_subscriber_has_been_gone_a_while():
    async def scenario():
        feeds, upstreams = Feeds(linger=0.05), Upstreams()
        subscription = feeds.subscribe("kindpakket", "budgets", upstreams, None, None, "till", ALL)
        subscription.close()
        open_right_after = not upstreams.live.closed.is_set()
        closed = await asyncio.get_running_loop().run_in_executor(None, upstreams.live.closed.wait, 5)
        return open_right_after, closed

    open_right_after, closed = run(scenario())
    assert open_right_after and closed


def test_a_closed_upstream_ends_its_subscribers():
    async def scenario():
        feeds, upstreams = Feeds(), Upstreams()
        subscription = feeds.subscribe("kindpakket", "budgets", upstreams, None, None, "till", ALL)
        upstreams.live.close()
        return await take(subscription, 1)

    assert run(scenario()) == [END]


def test_a_subscriber_is_handed_only_the_events_it_keeps():
    async def scenario():
        feeds, upstreams = Feeds(), Upstreams()
        odd = feeds.subscribe("kindpakket", "budgets", upstreams, None, None, "till",
                              lambda event: event.transaction_id in ("a", "c"))
        every = feeds.subscribe("kindpakket", "budgets", upstreams, None, None, "officer", ALL)
        for block, tx in ((1, "a"), (2, "b"), (3, "c")):
            upstreams.live.push(event(block, tx))
        assert [e.transaction_id for e in await take(every, 3)] == ["a", "b", "c"]
        # Delivered on the loop before `every` could read its third: `odd` was never handed "b".
        assert [e.transaction_id for e in odd.queued()] == ["a", "c"]
        odd.close()
        every.close()
    run(scenario())


def test_one_user_holds_at_most_its_streams_and_gets_them_back_when_closed():
    async def scenario():
        feeds, upstreams = Feeds(streams_per_user=2), Upstreams()
        held = [feeds.subscribe("kindpakket", "budgets", upstreams, None, None, "till", ALL) for _ in range(2)]
        with pytest.raises(ApiError) as refused:
            feeds.subscribe("kindpakket", "budgets", upstreams, None, None, "till", ALL)
        assert (refused.value.status, refused.value.code) == (429, "TOO_MANY_STREAMS")
        assert "Retry-After" in refused.value.headers and "'till'" in refused.value.message
        with pytest.raises(ApiError):
            feeds.check("till")  # what the route asks before it answers, in the app's thread
        other = feeds.subscribe("kindpakket", "budgets", upstreams, None, None, "officer", ALL)
        held[0].close()
        held[0].close()  # closing twice gives back one stream, not two
        again = feeds.subscribe("kindpakket", "budgets", upstreams, None, None, "till", ALL)
        with pytest.raises(ApiError):
            feeds.subscribe("kindpakket", "budgets", upstreams, None, None, "till", ALL)
        for subscription in (held[1], other, again):
            subscription.close()
        feeds.check("till")
    run(scenario())
