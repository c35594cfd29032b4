"""One upstream stream of a chaincode's events per gateway, shared by every live subscriber.

A thousand tills following their payments cost the peer one Deliver stream and the gateway one
thread, not a thousand of each. The feed keeps its recent events, so a till that reconnects with
`Last-Event-ID` resumes from memory; a position older than what it kept (or a feed bound to
another event loop) gets a stream of its own, as every subscriber had before.

The feed reads with the identity of the subscriber that opened it: every user of a gateway is a
member of its organisation, and the gateway decides what each subscriber sees. It decides before
handing an event over: a subscriber wakes only for the events it keeps, so a thousand tills of other
shops cost a payment a predicate each, not a thousand writes. One user holds at most
`limits.event_streams_per_user` streams.
"""
from __future__ import annotations

import asyncio
import threading
from collections import Counter, deque
from typing import Any, Callable

from grootboek.client import ChaincodeEvent, EventStream, InMemoryCheckpointer

from ..errors import ApiError
from ..errors.catalog import TOO_MANY_STREAMS

END = object()
"""The upstream ended without an error (it was closed)."""

RETAIN_EVENTS = 4096
LINGER_SECONDS = 30.0  # a feed without subscribers waits this long for a reconnecting one
QUEUE_EVENTS = 1024  # a subscriber further behind than this is dropped (it may resume)

STREAMS_PER_USER = 16
RETRY_AFTER_SECONDS = 5

OpenStream = Callable[[int | None, InMemoryCheckpointer | None], EventStream[ChaincodeEvent]]
Keep = Callable[[ChaincodeEvent], bool]


class FellBehind(Exception):
    """A subscriber did not read its events fast enough; it may resume with Last-Event-ID."""


class Subscription:
    """What one SSE response reads: events in order, then an exception or END."""

    def __init__(self, on_close: Callable[[], None], first_block: int = 0, keep: Keep | None = None) -> None:
        self._queue: asyncio.Queue[Any] = asyncio.Queue(QUEUE_EVENTS)
        self._on_close = [on_close]
        self._first_block = first_block  # a start block the feed has not reached yet
        self._keep = keep
        self._behind = self._closed = False

    def offer(self, item: Any) -> None:
        """Called on the loop. Never blocks the feed: a full queue drops this subscriber."""
        if self._behind or (isinstance(item, ChaincodeEvent) and (
                item.block_number < self._first_block or (self._keep is not None and not self._keep(item)))):
            return
        try:
            self._queue.put_nowait(item)
        except asyncio.QueueFull:
            self._behind = True
            self.close()

    async def get(self) -> Any:
        if self._behind and self._queue.empty():
            return FellBehind(f"the client fell more than {QUEUE_EVENTS} events behind; "
                              "reconnect with Last-Event-ID to resume")
        return await self._queue.get()

    def queued(self) -> list[Any]:
        """The items already waiting, taken without waiting for more."""
        items = []
        while not self._queue.empty():
            items.append(self._queue.get_nowait())
        return items

    def also_on_close(self, callback: Callable[[], None]) -> None:
        self._on_close.append(callback)

    def close(self) -> None:
        """Idempotent: a subscriber that fell behind is closed by the feed and again by its response."""
        if not self._closed:
            self._closed = True
            for callback in self._on_close:
                callback()


class Feed:
    """One chaincode's events: read by one thread, kept and fanned out on the event loop."""

    def __init__(self, stream: EventStream[ChaincodeEvent], loop: asyncio.AbstractEventLoop,
                 on_end: Callable[[Feed], None], retain: int = RETAIN_EVENTS,
                 linger: float = LINGER_SECONDS) -> None:
        self.loop = loop
        self.recent: deque[ChaincodeEvent] = deque(maxlen=retain)
        self.covered_from: int | None = None
        """Every event of a block from this one on is in `recent`, or still to come."""
        self._stream = stream
        self._on_end = on_end
        self._linger = linger
        self._subscribers: set[Subscription] = set()
        self._closing: asyncio.TimerHandle | None = None
        _pump(stream, loop, self._receive, "event-feed")

    def subscribe(self, start_block: int | None, checkpoint: InMemoryCheckpointer | None,
                  keep: Keep) -> Subscription | None:
        """The events `keep` accepts after `checkpoint` (or from `start_block`, or from now on), or
        None when this feed no longer holds them all."""
        backlog = self._backlog(start_block, checkpoint)
        if backlog is None:
            return None
        # The backlog and the registration happen in one step on the loop: no event in between.
        subscription = Subscription(lambda: self._leave(subscription),
                                    start_block if checkpoint is None and start_block else 0, keep)
        for event in backlog:
            subscription.offer(event)
        self._subscribers.add(subscription)
        if self._closing is not None:
            self._closing.cancel()
            self._closing = None
        return subscription

    def _backlog(self, start_block: int | None,
                 checkpoint: InMemoryCheckpointer | None) -> list[ChaincodeEvent] | None:
        if checkpoint is None and start_block is None:
            return []
        block = checkpoint.block_number if checkpoint else start_block
        if self.covered_from is None or block is None or block < self.covered_from:
            return None
        if checkpoint is None:
            return [event for event in self.recent if event.block_number >= block]
        events = list(self.recent)
        for index, event in enumerate(events):
            if (event.block_number, event.transaction_id) == (checkpoint.block_number,
                                                               checkpoint.transaction_id):
                return events[index + 1:]
        return None  # not an event this feed has seen

    def _leave(self, subscription: Subscription) -> None:
        self._subscribers.discard(subscription)
        if self._subscribers or self._closing is not None:
            return
        if self._linger:
            self._closing = self.loop.call_later(self._linger, self._close_if_unused)
        else:
            self._close_if_unused()

    def _close_if_unused(self) -> None:
        self._closing = None
        if not self._subscribers:
            self._on_end(self)
            self._stream.close()

    def _receive(self, item: Any) -> None:
        if isinstance(item, ChaincodeEvent):
            self._deliver(item)
        else:
            self._end(item)

    def _deliver(self, event: ChaincodeEvent) -> None:
        if self.covered_from is None:
            self.covered_from = event.block_number
        if len(self.recent) == self.recent.maxlen:
            self.covered_from = max(self.covered_from, self.recent[0].block_number + 1)
        self.recent.append(event)
        for subscription in list(self._subscribers):
            subscription.offer(event)

    def _end(self, item: Any) -> None:
        self._on_end(self)
        for subscription in list(self._subscribers):
            subscription.offer(item)


class Feeds:
    """The gateway's feeds, one per (channel, chaincode), opened by the first live subscriber."""

    def __init__(self, retain: int = RETAIN_EVENTS, linger: float = LINGER_SECONDS,
                 streams_per_user: int = STREAMS_PER_USER) -> None:
        self._feeds: dict[tuple[str, str], Feed] = {}
        self._retain = retain
        self._linger = linger
        self._streams_per_user = streams_per_user
        self._streams: Counter[str] = Counter()
        """Open subscriptions by user: changed on the loop only, read from any thread."""

    def check(self, user: str) -> None:
        """Raises 429 TOO_MANY_STREAMS if `user` holds every stream it may: from the app's thread, so
        the refusal is a status; `subscribe` checks again, exactly, on the loop."""
        if self._streams[user] >= self._streams_per_user:
            raise ApiError(429, TOO_MANY_STREAMS.code,
                           f"user {user!r} already holds {self._streams_per_user} event streams, as many as "
                           "a user may; close one first", headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    def subscribe(self, channel: str, chaincode: str, open_stream: OpenStream, start_block: int | None,
                  checkpoint: InMemoryCheckpointer | None, user: str, keep: Keep) -> Subscription:
        """Call on the event loop that writes the response."""
        self.check(user)
        self._streams[user] += 1
        subscription = self._subscribe(channel, chaincode, open_stream, start_block, checkpoint, keep)
        subscription.also_on_close(lambda: self._release(user))
        return subscription

    def _release(self, user: str) -> None:
        self._streams[user] -= 1
        if not self._streams[user]:
            del self._streams[user]

    def _subscribe(self, channel: str, chaincode: str, open_stream: OpenStream, start_block: int | None,
                   checkpoint: InMemoryCheckpointer | None, keep: Keep) -> Subscription:
        loop = asyncio.get_running_loop()
        key = (channel, chaincode)
        feed = self._feeds.get(key)
        if feed is None and start_block is None and checkpoint is None:
            feed = self._feeds[key] = Feed(open_stream(None, None), loop,
                                           lambda ended: self._forget(key, ended),
                                           self._retain, self._linger)
        if feed is not None and feed.loop is loop:
            subscription = feed.subscribe(start_block, checkpoint, keep)
            if subscription is not None:
                return subscription
        return _own_stream(open_stream(start_block, checkpoint), loop, keep)

    def _forget(self, key: tuple[str, str], feed: Feed) -> None:
        if self._feeds.get(key) is feed:
            del self._feeds[key]


def _own_stream(stream: EventStream[ChaincodeEvent], loop: asyncio.AbstractEventLoop,
                keep: Keep) -> Subscription:
    """A subscription with a stream (and a thread) of its own: for a position no feed holds."""
    subscription = Subscription(stream.close, keep=keep)
    _pump(stream, loop, subscription.offer, "event-stream")
    return subscription


def _pump(stream: EventStream[ChaincodeEvent], loop: asyncio.AbstractEventLoop,
          deliver: Callable[[Any], None], name: str) -> None:
    """Reads `stream` in a thread of its own and hands each event, then its error or END, to
    `deliver` on `loop`; once the loop is gone (its responses ended), closes the stream."""

    def hand_over(item: Any) -> bool:
        try:
            loop.call_soon_threadsafe(deliver, item)
        except RuntimeError:
            stream.close()
            return False
        return True

    def read() -> None:
        try:
            for event in stream:
                if not hand_over(event):
                    return
        except Exception as exc:  # every subscriber reports it to its client
            hand_over(exc)
        else:
            hand_over(END)

    threading.Thread(target=read, daemon=True, name=name).start()
