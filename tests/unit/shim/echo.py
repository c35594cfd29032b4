"""An echo server on the chaincode server's HTTP/2 transport, for tests that drive the transport."""
from __future__ import annotations

import asyncio
import logging
import queue
import threading

from grootboek.chaincode.shim import http2

METHOD = "/test.Echo/Chat"
LIMIT = 1024 * 1024


class Echo:
    """Echoes every message; b"fail:<text>" ends the call with INTERNAL and <text>, b"raise" fails
    the handler as a bug would."""

    busy = False

    def __init__(self, stream: http2.Stream, events: queue.Queue) -> None:
        self._stream = stream
        self._events = events

    def message(self, data: bytes) -> None:
        if data.startswith(b"fail:"):
            raise http2.StreamError(http2.INTERNAL, data[5:].decode())
        if data == b"raise":
            raise RuntimeError("a bug in the handler")
        self._stream.send(data)

    def closed(self) -> None:
        self._events.put("closed")


class Server:
    def __init__(self, limits: http2.Limits = http2.Limits(max_message=LIMIT)) -> None:
        self.events: queue.Queue = queue.Queue()
        self.connections: set[http2.ServerConnection] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        methods = {METHOD: lambda stream: Echo(stream, self.events)}
        complaints = http2.Complaints(logging.getLogger("test"))
        self._server = self.run(
            self._loop.create_server(
                lambda: http2.ServerConnection(methods, limits, self.connections, complaints),
                "127.0.0.1",
                0,
            )
        )
        self.port = self._server.sockets[0].getsockname()[1]

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    async def _shut_down(self) -> None:
        await asyncio.gather(*(c.shut_down(grace=None) for c in list(self.connections)))

    def shut_down_connections(self) -> None:
        self.run(self._shut_down())

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
