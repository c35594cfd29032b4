"""Streaming chaincode events to an HTTP client as server-sent events.

The gRPC event stream is read by a helper thread onto the front's event loop, so the response can
send a keep-alive comment while no event arrives: writing is how a server notices a client that
went away, and the stream (and the thread) end soon after it did.
"""
from __future__ import annotations

import asyncio
import base64
import json
import threading
from typing import Any, AsyncIterator, Callable

from flask import Response
from pydantic import BaseModel, JsonValue

from grootboek.client import ChaincodeEvent, EventStream

from ..errors import to_api_error
from ..front.streaming import AsyncBody
from .positions import event_id

HEARTBEAT_SECONDS = 15.0
RECONNECT_MILLISECONDS = 2000

_END = object()


class EventMessage(BaseModel):
    """The `data` of each SSE message; its `id` is `<block_number>:<transaction_id>`."""

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


def event_stream(stream: EventStream[ChaincodeEvent], keep: Callable[[EventMessage], bool],
                 heartbeat: float = HEARTBEAT_SECONDS) -> Response:
    """A `text/event-stream` response of the events `keep` accepts; closes `stream` when the
    client goes away. Written by the front's event loop, so a subscriber holds none of the app's
    threads."""

    async def chunks() -> AsyncIterator[bytes]:
        inbox: asyncio.Queue[Any] = asyncio.Queue()
        threading.Thread(target=_pump, args=(stream, asyncio.get_running_loop(), inbox),
                         daemon=True, name="sse-events").start()
        try:
            yield f"retry: {RECONNECT_MILLISECONDS}\n: stream open\n\n".encode()
            while True:
                try:
                    item = await asyncio.wait_for(inbox.get(), heartbeat)
                except asyncio.TimeoutError:
                    yield b": keep-alive\n\n"
                    continue
                if item is _END:
                    return
                if isinstance(item, Exception):
                    error = to_api_error(item)
                    body = error.body().model_dump_json(exclude_none=True)
                    yield f"event: error\ndata: {body}\n\n".encode()
                    return
                event = message(item)
                if keep(event):
                    yield (f"id: {event_id(event.block_number, event.transaction_id)}\n"
                           f"event: {event.event_name}\ndata: {event.model_dump_json()}\n\n").encode()
        finally:
            stream.close()

    response = Response(AsyncBody(chunks), mimetype="text/event-stream", direct_passthrough=True)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"  # proxies must not buffer the stream
    return response


def _pump(stream: EventStream[ChaincodeEvent], loop: asyncio.AbstractEventLoop,
          inbox: asyncio.Queue[Any]) -> None:
    """Blocks on the gRPC stream (a thread of its own), handing each event to the loop."""

    def hand_over(item: Any) -> None:
        try:
            loop.call_soon_threadsafe(inbox.put_nowait, item)
        except RuntimeError:  # the response ended and its loop is gone
            stream.close()

    try:
        for event in stream:
            hand_over(event)
    except Exception as exc:  # handed to the response, which reports it to the client
        hand_over(exc)
    else:
        hand_over(_END)
