"""Outgoing messages of one peer stream, written by one task on the server's event loop."""
from __future__ import annotations

import asyncio
import logging

import grpc

log = logging.getLogger(__name__)


class Outbox:
    """A stream's outgoing messages. `put` is called on the loop's thread (by transactions and
    the reader); the writer task takes whatever has gathered at each turn."""

    def __init__(self) -> None:
        self._messages: list = []
        self._ready = asyncio.Event()

    def put(self, message) -> None:
        self._messages.append(message)
        self._ready.set()

    async def write_to(self, context: grpc.aio.ServicerContext) -> None:
        """The stream's only writer: one message in flight at a time, as gRPC requires, in the
        order they were put."""
        try:
            while True:
                await self._ready.wait()
                self._ready.clear()
                messages, self._messages = self._messages, []
                for message in messages:
                    await context.write(message)
        except (grpc.aio.AioRpcError, grpc.aio.UsageError, ConnectionError) as exc:
            log.info("cannot write to peer", extra={"reason": str(exc)})
