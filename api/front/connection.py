"""One client connection: HTTP/1.1 parsed by h11 on the event loop, whole requests handed to the app.

A connection is IDLE (no request in progress: closed after `idle_seconds`), READING (a request has
begun: it must be complete within `request_seconds`, or 408) or BUSY (the app or a stream is
answering: reading pauses, so a client that pipelines or never reads its answers cannot queue work
or memory here).
"""
from __future__ import annotations

import asyncio
import enum
import logging
import time
from typing import TYPE_CHECKING, Any

import h11

from ..errors.api_error import ErrorBody
from . import wsgi
from .streaming import AsyncBody

if TYPE_CHECKING:
    from .server import FrontServer

log = logging.getLogger("grootboek.api.front")

_REASONS = {400: "Bad Request", 408: "Request Timeout", 413: "Content Too Large",
            414: "URI Too Long", 431: "Request Header Fields Too Large", 500: "Internal Server Error",
            503: "Service Unavailable"}


class State(enum.Enum):
    IDLE = "idle"
    READING = "reading"
    BUSY = "busy"


class Connection(asyncio.Protocol):
    def __init__(self, server: FrontServer) -> None:
        self.server = server
        self.limits = server.limits
        self.h11 = h11.Connection(h11.SERVER, max_incomplete_event_size=self.limits.max_header_bytes)
        self.state = State.IDLE
        self.idle_since = time.monotonic()
        self.transport: asyncio.Transport | None = None
        self.peer: wsgi.Peer | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._request: h11.Request | None = None
        self._body = bytearray()
        self._head = bytearray()  # the start of a request whose line has not ended yet (for 414)
        self._writable = asyncio.Event()
        self._writable.set()
        self._stream: asyncio.Task[None] | None = None

    # -- asyncio.Protocol ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        ssl_object = transport.get_extra_info("ssl_object")
        self.peer = wsgi.Peer(address=_address(transport.get_extra_info("peername")),
                              server=_address(transport.get_extra_info("sockname")),
                              tls=ssl_object is not None,
                              certificate_der=ssl_object.getpeercert(binary_form=True)
                              if ssl_object is not None else None)
        if not self.server.admit(self):
            self._fail(503, "OVERLOADED", "the gateway has too many open connections; try again",
                       retry_after=True)
            return
        self._arm(self.limits.idle_seconds, self._idle_timeout)

    def data_received(self, data: bytes) -> None:
        if self._stream is not None:
            # Reading goes on during an event stream only to see the client leave (below): a client
            # that sends more meanwhile is not one that waits for the endless answer to end.
            assert self.transport is not None
            self.transport.close()
            return
        if self.state is State.IDLE:
            self.state = State.READING
            self._arm(self.limits.request_seconds, self._request_timeout)
        if self._request is None and not self._line_fits(data):
            return
        self.h11.receive_data(data)
        self._advance()

    def eof_received(self) -> bool:
        self.h11.receive_data(b"")
        if self.state is not State.BUSY:
            self._advance()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self._writable.set()
        if self._stream is not None:
            self._stream.cancel()
        self.server.forget(self)

    def pause_writing(self) -> None:
        self._writable.clear()

    def resume_writing(self) -> None:
        self._writable.set()
        if self.state is not State.BUSY and self.transport is not None:
            self.transport.resume_reading()

    # -- reading a request ----------------------------------------------------------------------

    def _line_fits(self, data: bytes) -> bool:
        """Refuses a request line longer than the target limit before h11 buffers all of it."""
        if b"\n" in self._head:
            return True
        self._head += data[: self.limits.max_target_bytes + 64]
        if b"\n" not in self._head and len(self._head) > self.limits.max_target_bytes + 32:
            self._fail(414, "URI_TOO_LONG",
                       f"the request target is longer than {self.limits.max_target_bytes} bytes")
            return False
        return True

    def _advance(self) -> None:
        while self.state is not State.BUSY and self.transport is not None \
                and not self.transport.is_closing():
            try:
                event = self.h11.next_event()
            except h11.RemoteProtocolError as exc:
                if exc.error_status_hint == 431:
                    self._headers_too_large()
                else:
                    self._fail(400, "MALFORMED_REQUEST", f"malformed HTTP request: {exc}")
                return
            if event is h11.NEED_DATA or event is h11.PAUSED:
                return
            if isinstance(event, h11.Request):
                if not self._begin(event):
                    return
            elif isinstance(event, h11.Data):
                self._body += event.data
                if len(self._body) > self.limits.max_body_bytes:
                    self._too_large()
                    return
            elif isinstance(event, h11.EndOfMessage):
                self._dispatch()
            elif isinstance(event, h11.ConnectionClosed):
                self.transport.close()
                return

    def _begin(self, request: h11.Request) -> bool:
        if len(request.target) > self.limits.max_target_bytes:
            self._fail(414, "URI_TOO_LONG",
                       f"the request target is longer than {self.limits.max_target_bytes} bytes")
            return False
        # h11 bounds only a head that arrives in pieces; one that arrives whole is measured here.
        if sum(len(name) + len(value) + 4 for name, value in request.headers) \
                > self.limits.max_header_bytes:
            self._headers_too_large()
            return False
        declared = _header(request.headers, b"content-length")
        if declared is not None and _header(request.headers, b"transfer-encoding") is not None:
            # RFC 9112 §6.1: both framings at once is how requests are smuggled past proxies.
            self._fail(400, "MALFORMED_REQUEST",
                       "a request may not have both Content-Length and Transfer-Encoding")
            return False
        if declared is not None and int(declared) > self.limits.max_body_bytes:
            self._too_large()
            return False
        self._request = request
        self._body = bytearray()
        if self.h11.client_is_waiting_for_100_continue:
            self._write(self.h11.send(h11.InformationalResponse(status_code=100, headers=[])))
        return True

    def _headers_too_large(self) -> None:
        self._fail(431, "HEADERS_TOO_LARGE", "the request line and headers are longer than "
                   f"{self.limits.max_header_bytes} bytes")

    def _too_large(self) -> None:
        self._fail(413, "REQUEST_TOO_LARGE",
                   f"the request body is larger than {self.limits.max_body_bytes} bytes")

    # -- answering ----------------------------------------------------------------------------

    def _dispatch(self) -> None:
        request, body = self._request, bytes(self._body)
        assert request is not None and self.peer is not None and self.transport is not None
        self._request, self._body, self._head = None, bytearray(), bytearray()
        self.state = State.BUSY
        self._disarm()
        self.transport.pause_reading()
        try:
            env = wsgi.environ(request.method, request.target, list(request.headers), body,
                               request.http_version, self.peer)
        except UnicodeError:
            self._answer_error(400, "MALFORMED_REQUEST", "the request line or a header is not ASCII")
            return
        answer = self.server.run(env)
        if answer is None:
            self._answer_error(503, "OVERLOADED", "the gateway is busy; try again",
                               retry_after=True)
            return
        answer.add_done_callback(self._answered)

    def _answered(self, answer: asyncio.Future[wsgi.Reply]) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        if answer.cancelled():
            self.transport.close()
            return
        error = answer.exception()
        try:
            head = None if error else self._head_of(answer.result())
        except (h11.LocalProtocolError, UnicodeError, ValueError) as exc:
            error = exc
        if error is not None or head is None:
            log.error("the app failed a request", exc_info=error)
            self._answer_error(500, "INTERNAL", "the gateway failed to handle the request")
            return
        self._write(head)
        body = answer.result().body
        if isinstance(body, AsyncBody):
            self._stream = asyncio.ensure_future(self._write_stream(body))
            # A till that goes away closes its connection: reading sees that at once, and its
            # stream (one of the few its user may hold) is given back, not after the next write fails.
            self.transport.resume_reading()
            return
        for chunk in body:
            self._write(self.h11.send(h11.Data(data=chunk)))
        self._write(self.h11.send(h11.EndOfMessage()))
        self._next_cycle()

    def _head_of(self, reply: wsgi.Reply) -> bytes | None:
        """The reply's status line and headers, checked by h11 before a byte of them is sent."""
        headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in reply.headers]
        return self.h11.send(h11.Response(status_code=reply.status, headers=headers,
                                          reason=reply.reason.encode("latin-1")))

    async def _write_stream(self, body: AsyncBody) -> None:
        chunks = body.__aiter__()
        try:
            async for chunk in chunks:
                self._write(self.h11.send(h11.Data(data=chunk)))
                await self._writable.wait()
        finally:
            await chunks.aclose()  # type: ignore[attr-defined]
        self._write(self.h11.send(h11.EndOfMessage()))
        self._stream = None
        self._next_cycle()

    def _answer_error(self, status: int, code: str, message: str, retry_after: bool = False) -> None:
        """An error answer on a connection that can carry on afterwards."""
        body, headers = self._error(status, code, message, retry_after)
        try:
            head = self.h11.send(h11.Response(status_code=status, headers=headers,
                                              reason=_REASONS[status].encode()))
        except h11.LocalProtocolError:  # h11 refused the app's answer and will take no other
            self._fail(status, code, message, retry_after)
            return
        self._write(head)
        self._write(self.h11.send(h11.Data(data=body)))
        self._write(self.h11.send(h11.EndOfMessage()))
        self._next_cycle()

    def _next_cycle(self) -> None:
        assert self.transport is not None
        if self.h11.our_state is not h11.DONE or self.h11.their_state is not h11.DONE:
            self.transport.close()
            return
        self.h11.start_next_cycle()
        self.state = State.IDLE
        self.idle_since = time.monotonic()
        self._arm(self.limits.idle_seconds, self._idle_timeout)
        if self._writable.is_set():
            self.transport.resume_reading()
        self._advance()  # a pipelined request may already be buffered

    def _fail(self, status: int, code: str, message: str, retry_after: bool = False) -> None:
        """An error answer, then the connection closes: what the client sent cannot be trusted to
        end where a next request would begin."""
        assert self.transport is not None
        log.debug("refused a client", extra={"status": status, "code": code, "peer": self.peer})
        body, headers = self._error(status, code, message, retry_after)
        head = [f"HTTP/1.1 {status} {_REASONS[status]}".encode()]
        head += [name + b": " + value for name, value in headers]
        self._write(b"\r\n".join(head) + b"\r\nconnection: close\r\n\r\n" + body)
        self._disarm()
        self.state = State.BUSY
        self.transport.close()

    def _error(self, status: int, code: str, message: str,
               retry_after: bool) -> tuple[bytes, list[tuple[bytes, bytes]]]:
        body = ErrorBody(code=code, message=message).model_dump_json(exclude_none=True).encode()
        headers = [(b"content-type", b"application/json"),
                   (b"content-length", str(len(body)).encode())]
        if retry_after:
            headers.append((b"retry-after", str(self.limits.retry_after_seconds).encode()))
        return body, headers

    # -- timers ---------------------------------------------------------------------------------

    def _idle_timeout(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def _request_timeout(self) -> None:
        self._fail(408, "REQUEST_TIMEOUT",
                   f"the request did not arrive within {self.limits.request_seconds:g} s")

    def _arm(self, seconds: float, callback: Any) -> None:
        self._disarm()
        self._timer = asyncio.get_running_loop().call_later(seconds, callback)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _write(self, data: bytes | None) -> None:
        if data and self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)


def _header(headers: Any, name: bytes) -> bytes | None:
    for key, value in headers:
        if key == name:
            return value
    return None


def _address(address: Any) -> tuple[str, int]:
    if isinstance(address, tuple) and len(address) >= 2:
        return str(address[0]), int(address[1])
    return ("", 0)

