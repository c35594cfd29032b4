"""Streaming chaincode events to an HTTP client as server-sent events.

Events come from a subscription (`feeds`) on the front's event loop, so the response can send a
keep-alive comment while no event arrives: writing is how a server notices a client that went
away, and its subscription ends soon after it did.
"""
from __future__ import annotations

import asyncio
import base64
import functools
import json
from typing import Any, AsyncIterator, Callable

from flask import Response
from pydantic import BaseModel, ConfigDict, JsonValue

from grootboek.client import ChaincodeEvent

from ..errors import ApiError, to_api_error
from ..front.streaming import AsyncBody
from .feeds import END, Keep, Subscription
from .positions import event_id

HEARTBEAT_SECONDS = 15.0
RECONNECT_MILLISECONDS = 2000
RENDERED_EVENTS = 1024  # recent events kept rendered; subscribers far behind render again


class EventMessage(BaseModel):
    """The `data` of each SSE message; its `id` is `<block_number>:<transaction_id>`."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"block_number": 41, "transaction_id": "8a1f0c3e5b7d9f2a4c6e8b0d1f3a5c7e9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a", "chaincode": "budgets",
         "event_name": "PaymentMade", "payload": {"kind": "payment", "merchant_id": "voorbeeldwinkel", "amount": 4500}}]})

    block_number: int
    transaction_id: str
    chaincode: str
    event_name: str
    payload: JsonValue
    """The event payload: its JSON if it is JSON, else `{"base64": ...}`."""


def message(event: ChaincodeEvent) -> EventMessage:
    return EventMessage(block_number=event.block_number, transaction_id=event.transaction_id,
                        chaincode=event.chaincode_name, event_name=event.event_name,
                        payload=json_payload(event.payload))


def json_payload(payload: bytes) -> Any:
    try:
        return json.loads(payload) if payload else None
    except ValueError:
        return {"base64": base64.b64encode(payload).decode()}


@functools.lru_cache(maxsize=RENDERED_EVENTS)
def rendered(event: ChaincodeEvent) -> tuple[EventMessage, bytes]:
    """An event as a message and as its SSE bytes, made once and shared by every subscriber of a
    feed: with a thousand tills following one gateway, decoding and encoding each event per
    subscriber took most of the event loop's time (bench/hostile_clients.py)."""
    event_message = message(event)
    return event_message, (f"id: {event_id(event.block_number, event.transaction_id)}\n"
                           f"event: {event.event_name}\ndata: {event_message.model_dump_json()}\n\n"
                           ).encode()


def error_event(error: ApiError) -> bytes:
    """The stream's last message when it ends in an error: the error's JSON body."""
    return f"event: error\ndata: {error.body().model_dump_json(exclude_none=True)}\n\n".encode()


def event_stream(subscribe: Callable[[Keep], Subscription], keep: Callable[[EventMessage], bool],
                 heartbeat: float = HEARTBEAT_SECONDS) -> Response:
    """A `text/event-stream` response of the events `keep` accepts, from the subscription that
    `subscribe` opens on the front's event loop (so a subscriber holds none of the app's threads);
    the subscription closes when the client goes away."""

    async def chunks() -> AsyncIterator[bytes]:
        try:
            subscription = subscribe(lambda event: keep(rendered(event)[0]))
        except ApiError as refused:  # the exact check on the loop, after the app's own let it pass
            yield error_event(refused)
            return
        try:
            yield f"retry: {RECONNECT_MILLISECONDS}\n: stream open\n\n".encode()
            while True:
                try:
                    # A timer on this task, not the task per wait that wait_for makes.
                    async with asyncio.timeout(heartbeat):
                        item = await subscription.get()
                except TimeoutError:
                    yield b": keep-alive\n\n"
                    continue
                # Events already queued go out in one write: a busy loop then writes each
                # subscriber once per round instead of once per event.
                out, ended = bytearray(), False
                for item in (item, *subscription.queued()):
                    if item is END:
                        ended = True
                        break
                    if isinstance(item, Exception):
                        out += error_event(to_api_error(item))
                        ended = True
                        break
                    out += rendered(item)[1]  # the subscription passes only the events it keeps
                if out:
                    yield bytes(out)
                if ended:
                    return
        finally:
            subscription.close()

    response = Response(AsyncBody(chunks), mimetype="text/event-stream", direct_passthrough=True)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"  # proxies must not buffer the stream
    return response
