"""Outgoing messages of one peer stream: put from any thread, written by one task on the loop."""
from __future__ import annotations

import asyncio
import logging
import threading

import grpc

log = logging.getLogger(__name__)


class Outbox:
    """A stream's outgoing messages, put from any thread. Wakes the event loop once per batch
    rather than once per message: each wake-up is a thread hand-off, the shim's main cost."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._lock = threading.Lock()
        self._messages: list = []
        self._wake_pending = False
        self._ready = asyncio.Event()

    def put(self, message) -> None:
        with self._lock:
            self._messages.append(message)
            if self._wake_pending:
                return
            self._wake_pending = True
        try:
            self._loop.call_soon_threadsafe(self._ready.set)
        except RuntimeError:  # the server has stopped: there is no stream to write to
            log.debug("message dropped after shutdown")

    async def write_to(self, context: grpc.aio.ServicerContext) -> None:
        """The stream's only writer (a task on the loop): one message in flight at a time, as
        gRPC requires, in the order they were put."""
        try:
            while True:
                for message in await self._take():
                    await context.write(message)
        except (grpc.aio.AioRpcError, grpc.aio.UsageError, ConnectionError) as exc:
            log.info("cannot write to peer", extra={"reason": str(exc)})

    async def _take(self) -> list:
        await self._ready.wait()
        with self._lock:
            self._ready.clear()
            self._wake_pending = False
            messages, self._messages = self._messages, []
        return messages
