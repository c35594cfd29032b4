"""The listening socket, the connections it holds and the pool the app runs in."""
from __future__ import annotations

import asyncio
import asyncio.sslproto
import logging
import ssl
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from . import wsgi
from .connection import Connection, State
from .limits import Limits

log = logging.getLogger("grootboek.api.front")

# asyncio's TLS transport gives every connection a read buffer of SSLProtocol.max_size (256 KiB
# since Python 3.11), zero-filled at once: 2,000 idle TLS clients cost 500 MiB. A TLS record holds
# at most 16 KiB of data, so reading 16 KiB at a time costs nothing else.
TLS_READ_BYTES = 16 * 1024


class FrontServer:
    """Serves one WSGI app on one event loop. Use from the loop's thread: `await start(...)`,
    `await close()`."""

    def __init__(self, app: wsgi.WsgiApp, limits: Limits | None = None,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.app = app
        self.limits = limits or Limits()
        self.ssl_context = ssl_context
        self.connections: dict[Connection, None] = {}
        self.in_app = 0  # requests running or queued in the pool
        self._pool = ThreadPoolExecutor(self.limits.threads, thread_name_prefix="api")
        self._server: asyncio.base_events.Server | None = None
        self._drained = asyncio.Event()
        self._drained.set()

    async def start(self, host: str, port: int) -> None:
        loop = asyncio.get_running_loop()
        asyncio.sslproto.SSLProtocol.max_size = TLS_READ_BYTES
        # asyncio makes the socket itself: then its protocol number says TCP, so asyncio turns
        # Nagle off on every connection (with a socket of socket.create_server it does not, and an
        # answer's body waited 40 ms for the client's delayed acknowledgement of its head).
        self._server = await loop.create_server(
            lambda: Connection(self), host, port, ssl=self.ssl_context, backlog=1024,
            reuse_address=True,
            ssl_handshake_timeout=self.limits.handshake_seconds if self.ssl_context else None)

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.sockets[0].getsockname()[1]

    async def close(self, grace_seconds: float = 10.0) -> None:
        """Stops accepting, lets requests in the app finish (up to the grace), then closes all."""
        if self._server is not None:
            self._server.close()
        for connection in list(self.connections):
            if connection.state is not State.BUSY and connection.transport is not None:
                connection.transport.close()
        try:
            await asyncio.wait_for(self._drained.wait(), grace_seconds)
        except asyncio.TimeoutError:
            log.warning("requests still running at shutdown", extra={"requests": self.in_app})
        for connection in list(self.connections):
            if connection.transport is not None:
                connection.transport.abort()
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- used by connections --------------------------------------------------------------------

    def admit(self, connection: Connection) -> bool:
        """Room for one more connection: the longest-idle one is closed to make it, if needed."""
        if len(self.connections) >= self.limits.max_connections:
            idle = [c for c in self.connections if c.state is State.IDLE]
            if not idle:
                return False
            oldest = min(idle, key=lambda c: c.idle_since)
            self.forget(oldest)
            if oldest.transport is not None:
                oldest.transport.close()
        self.connections[connection] = None
        return True

    def forget(self, connection: Connection) -> None:
        self.connections.pop(connection, None)

    def run(self, env: dict[str, Any]) -> asyncio.Future[wsgi.Reply] | None:
        """The app's answer to a whole request, or None when the pool and its queue are full."""
        if self.in_app >= self.limits.threads + self.limits.max_queued:
            return None
        self.in_app += 1
        self._drained.clear()
        future = asyncio.get_running_loop().run_in_executor(self._pool, wsgi.call, self.app, env)
        future.add_done_callback(self._done)
        return future

    def _done(self, _: Any) -> None:
        self.in_app -= 1
        if not self.in_app:
            self._drained.set()
