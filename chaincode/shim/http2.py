"""gRPC's server side over HTTP/2 (RFC 9113), on one asyncio loop: just what the peer's stream needs.

Why not grpcio's server: it moves every message between its own threads and the asyncio loop
(about 20 context switches per evaluation, half of the server's CPU spent in the kernel). Here an
asyncio Protocol parses frames where they arrive, the handler runs (transactions run in greenlets
inside it), and everything the frames of one read produced goes out in one write.

Scope: server side; prior-knowledge h2c, or TLS with ALPN h2; bidirectional streams of
uncompressed gRPC messages; flow control both ways; SETTINGS, PING, WINDOW_UPDATE, RST_STREAM,
GOAWAY. Not needed by a chaincode server, so left out: server push, priorities (checked, then
ignored), compressed messages (answered UNIMPLEMENTED).

The port is reachable by more than the peer, so a client is held to `Limits` (memory per message,
per connection, streams, header blocks), to the windows we advertise, and to the RFC: a violation
is answered with the stream or connection error the RFC names, and warned about at a bounded rate.
A client that stops reading stops being read (write backpressure). A failing handler fails its
stream only.
"""
from __future__ import annotations

import asyncio
import logging
import socket
import struct
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Protocol

import hpack

log = logging.getLogger(__name__)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
_FRAME = struct.Struct(">HBBBL")  # length (24 bits, as 16 + 8), type, flags, stream id
_SETTING = struct.Struct(">HL")
_WORD = struct.Struct(">L")
_MESSAGE = struct.Struct(">BL")  # gRPC: compressed flag, length

# frame types, flags, settings and error codes (RFC 9113, section 11)
(DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE,
 CONTINUATION) = range(10)
END_STREAM = ACK = 0x1
END_HEADERS, PADDED, PRIORITY_FLAG = 0x4, 0x8, 0x20
(HEADER_TABLE_SIZE, ENABLE_PUSH, MAX_CONCURRENT_STREAMS, INITIAL_WINDOW_SIZE, MAX_FRAME_SIZE,
 MAX_HEADER_LIST_SIZE) = range(1, 7)
(NO_ERROR, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR, SETTINGS_TIMEOUT, STREAM_CLOSED,
 FRAME_SIZE_ERROR, REFUSED_STREAM, CANCEL, COMPRESSION_ERROR, CONNECT_ERROR, ENHANCE_YOUR_CALM,
 INADEQUATE_SECURITY) = range(13)

# gRPC status codes used here
OK, UNKNOWN, RESOURCE_EXHAUSTED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE = 0, 2, 8, 12, 13, 14

_DEFAULT_WINDOW = 65_535
_DEFAULT_FRAME = 16_384
_MAX_WINDOW = 0x7FFFFFFF
_MIB = 1024 * 1024
# Streams we reset ourselves whose late frames are ignored rather than answered (RFC 9113 5.1).
_REMEMBERED_RESETS = 64

_REQUEST_PSEUDO = frozenset((":method", ":scheme", ":path", ":authority"))
_CONNECTION_SPECIFIC = frozenset(("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"))


@dataclass(frozen=True)
class Limits:
    """What one client can make the server hold. The defaults suit a Fabric peer: one Register
    stream per connection, messages of a few MiB at most (a 4 MiB value crosses as an argument
    twice: in the proposal and in the input)."""

    max_message: int = 16 * _MIB  # one gRPC message from the client
    max_buffered: int = 32 * _MIB  # unfinished messages over a connection's streams
    max_streams: int = 4
    max_header_list: int = 64 * 1024  # one header block, compressed and decoded
    max_header_frames: int = 16  # HEADERS and its CONTINUATIONs: empty ones cost no bytes
    write_buffer: int = 1 * _MIB  # unsent bytes above which the client is no longer read

    # The receive windows are these caps: we give window back for what was consumed (delivered
    # messages, ignored data), never for the bytes of unfinished messages. A stream's window fits
    # one whole message; a client that sends beyond a window gets FLOW_CONTROL_ERROR.

    def __post_init__(self) -> None:
        if not (self.stream_window <= self.max_buffered <= _MAX_WINDOW and self.max_buffered > _DEFAULT_WINDOW):
            raise ValueError("max_buffered must hold one whole message, and fit a window")

    @property
    def stream_window(self) -> int:
        return self.max_message + _MESSAGE.size


class Complaints:
    """Warnings about misbehaving clients: at most `burst` in `interval` seconds, then one line
    counting those left out, so that a hostile client cannot flood the log. Used on the loop."""

    def __init__(self, logger: logging.Logger, burst: int = 10, interval: float = 60.0) -> None:
        self._logger = logger
        self._burst = burst
        self._interval = interval
        self._logged = self._left_out = 0

    def warning(self, message: str, **extra: Any) -> None:
        if self._logged < self._burst:
            if not self._logged:
                asyncio.get_running_loop().call_later(self._interval, self._next_interval)
            self._logged += 1
            self._logger.warning(message, extra=extra)
        else:
            self._left_out += 1

    def _next_interval(self) -> None:
        if self._left_out:
            self._logger.warning(
                "more warnings about clients left out",
                extra={"left_out": self._left_out, "seconds": self._interval},
            )
        self._logged = self._left_out = 0


class Handler(Protocol):
    """The application side of one stream."""

    busy: bool  # work in progress that a graceful stop should wait for

    def message(self, data: bytes) -> None:
        """One gRPC message from the client."""

    def closed(self) -> None:
        """The client ended or cancelled the stream, or the connection was lost."""


HandlerFactory = Callable[["Stream"], Handler]
# Given the client's certificate (ssl's getpeercert(), None without TLS): why it is refused, or None.
Admission = Callable[[dict | None], str | None]


class StreamError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _ConnectionError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


class _NoHandler:
    """A stream's handler until its factory has made one (or when that failed)."""

    busy = False

    def message(self, data: bytes) -> None:
        pass

    def closed(self) -> None:
        pass


_NO_HANDLER = _NoHandler()


class Stream:
    """One gRPC call: `send()` messages to the client, `finish()` with a status."""

    def __init__(
        self, connection: "ServerConnection", stream_id: int, window: int, content_length: int | None
    ) -> None:
        self._connection = connection
        self.id = stream_id
        self.window = window  # what the client lets us send on this stream
        self.handler: Handler = _NO_HANDLER
        self._inbound = bytearray()
        self._outbound = bytearray()
        self._received = self._acknowledged = 0  # flow-controlled bytes; given back by WINDOW_UPDATE
        self._content_length = content_length  # still to come, if the client declared it
        self._trailers: list[tuple[str, str]] | None = None
        self.finished = False
        self.remote_closed = False  # the client sent END_STREAM

    def send(self, message: bytes) -> None:
        """Queues one gRPC message; sent as far as flow control allows, the rest when it allows."""
        if self._trailers is not None or self.finished:
            log.debug("message after the stream ended dropped", extra={"stream": self.id})
            return
        connection = self._connection
        size = 5 + len(message)
        fits = size <= min(self.window, connection.send_window, connection.peer_max_frame)
        if fits and not self._outbound:
            self.window -= size
            connection.send_window -= size
            connection.frame(DATA, 0, self.id, _MESSAGE.pack(0, len(message)), message)
            return
        self._outbound += _MESSAGE.pack(0, len(message))
        self._outbound += message
        self.drain()

    def finish(self, status: int = OK, message: str = "") -> None:
        """Ends the call with a gRPC status, after the messages still queued."""
        if self._trailers is not None or self.finished:
            return
        self._trailers = [("grpc-status", str(status))]
        if message:
            self._trailers.append(("grpc-message", _percent_encode(message)))
        self.drain()

    def drain(self) -> None:
        connection = self._connection
        outbound = self._outbound
        while outbound and self.window > 0 and connection.send_window > 0:
            size = min(len(outbound), self.window, connection.send_window, connection.peer_max_frame)
            connection.frame(DATA, 0, self.id, bytes(outbound[:size]))
            del outbound[:size]
            self.window -= size
            connection.send_window -= size
        if not outbound and self._trailers is not None and not self.finished:
            connection.headers(self.id, self._trailers, end_stream=True)
            connection.forget(self)

    def receive(self, data: bytes, flow_controlled: int, end: bool) -> None:
        connection = self._connection
        window = connection.limits.stream_window
        self._received += flow_controlled
        if self._received - self._acknowledged > window:
            connection.reset(self, FLOW_CONTROL_ERROR, "DATA beyond the stream's window")
            return
        if self._content_length is not None:
            self._content_length -= len(data)
            if self._content_length < 0 or (end and self._content_length):
                connection.reset(self, PROTOCOL_ERROR, "DATA disagrees with content-length")
                return
        if end:
            self.remote_closed = True
        try:
            self._read_messages(data)
        except StreamError as exc:
            self._fail(exc.status, str(exc))
            return
        except Exception as exc:  # the handler's fault: this call fails, the connection goes on
            log.exception("stream handler failed", extra={"stream": self.id})
            self._fail(INTERNAL, f"handler failed: {type(exc).__name__}: {exc}")
            return
        if end and not self.finished:
            self.close_handler()
            self.finish()
        elif not self.finished:  # window back for what was consumed, a quarter at a time
            consumed = self._received - len(self._inbound) - self._acknowledged
            if consumed >= window // 4:
                connection.frame(WINDOW_UPDATE, 0, self.id, _WORD.pack(consumed))
                self._acknowledged += consumed

    def _read_messages(self, data: bytes) -> None:
        connection = self._connection
        limit = connection.limits.max_message
        if not self._inbound and len(data) >= 5:  # the usual case: whole messages in one frame
            compressed, length = _MESSAGE.unpack_from(data)
            if not compressed and length <= limit and len(data) == 5 + length:
                self.handler.message(data[5:])
                return
        inbound = self._inbound
        inbound += data
        connection.buffered += len(data)
        while len(inbound) >= 5 and not self.finished and self._trailers is None:
            compressed, length = _MESSAGE.unpack_from(inbound)
            if compressed:
                raise StreamError(UNIMPLEMENTED, "compressed messages are not supported")
            if length > limit:
                raise StreamError(
                    RESOURCE_EXHAUSTED, f"message of {length} bytes is larger than the limit of {limit}"
                )
            if len(inbound) < 5 + length:
                break
            message = bytes(inbound[5 : 5 + length])
            del inbound[: 5 + length]
            connection.buffered -= 5 + length
            self.handler.message(message)

    def discard_inbound(self) -> None:
        self._connection.buffered -= len(self._inbound)
        self._inbound.clear()

    def close_handler(self) -> None:
        try:
            self.handler.closed()
        except Exception:
            log.exception("stream handler failed to close", extra={"stream": self.id})

    def _fail(self, status: int, message: str) -> None:
        self._connection.complaints.warning("stream failed", stream=self.id, reason=message)
        self.close_handler()
        self._outbound.clear()
        self.discard_inbound()
        self.finish(status, message)


class ServerConnection(asyncio.Protocol):
    """One client's HTTP/2 connection; `methods` maps a gRPC path to the handler of its calls.
    While open, the connection is in `connections` (the server's, to stop them). `admit`, given
    the client's certificate, may refuse the client before it sends anything."""

    def __init__(
        self,
        methods: dict[str, HandlerFactory],
        limits: Limits,
        connections: set,
        complaints: Complaints,
        admit: Admission | None = None,
    ) -> None:
        self._methods = methods
        self._connections = connections
        self.limits = limits
        self.complaints = complaints
        self._admit = admit
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._preface_seen = False
        self._settings_seen = False
        self._streams: dict[int, Stream] = {}
        self._last_stream = 0
        self._reset_streams: deque[int] = deque(maxlen=_REMEMBERED_RESETS)
        self.buffered = 0  # bytes of unfinished messages over all streams
        # a header block in progress: stream, flags of its HEADERS, fragments, whether the
        # stream depends on itself (a stream error once the block is decoded)
        self._header_block: tuple[int, int, bytearray, bool] | None = None
        self._header_frames = 0
        self._decoder = hpack.Decoder(max_header_list_size=limits.max_header_list)
        self._encoder = hpack.Encoder()
        self.send_window = _DEFAULT_WINDOW
        self._initial_window = _DEFAULT_WINDOW
        self.peer_max_frame = _DEFAULT_FRAME
        self._received = self._acknowledged = 0  # flow-controlled bytes; given back by WINDOW_UPDATE
        self._out: list[bytes] = []
        self._receiving = False
        self._flush_scheduled = False
        self._going_away = False
        self._idle: asyncio.Future | None = None

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._connections.add(self)
        transport.set_write_buffer_limits(high=self.limits.write_buffer)
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            # A peer that vanished without closing is noticed within about two minutes.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 60)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 20)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)
        settings = b"".join(
            _SETTING.pack(ident, value)
            for ident, value in (
                (MAX_CONCURRENT_STREAMS, self.limits.max_streams),
                (INITIAL_WINDOW_SIZE, self.limits.stream_window),
                (MAX_HEADER_LIST_SIZE, self.limits.max_header_list),
            )
        )
        self.frame(SETTINGS, 0, 0, settings)
        self.frame(WINDOW_UPDATE, 0, 0, _WORD.pack(self.limits.max_buffered - _DEFAULT_WINDOW))
        refusal = self._admit(transport.get_extra_info("peercert")) if self._admit else None
        if refusal is not None:
            # No HTTP/2 code says "not authorised"; this one is about the connection's security.
            self.complaints.warning("client refused", reason=refusal, client=_address(transport))
            self._go_away(INADEQUATE_SECURITY, refusal.encode())
            self._flush()
            transport.close()
            return
        self._flush()

    def data_received(self, data: bytes) -> None:
        if self._transport.is_closing():  # TLS may still deliver what came before our close
            return
        self._buffer += data
        self._receiving = True
        try:
            self._read_frames()
        except _ConnectionError as exc:
            self.complaints.warning(
                "HTTP/2 connection error", reason=str(exc), code=exc.code, client=_address(self._transport)
            )
            self._go_away(exc.code, str(exc).encode())
            self._flush()
            self._transport.close()
        finally:
            self._give_window_back()
            self._receiving = False
            self._flush()
        if self._idle is not None and not self._idle.done() and not self.busy:
            self._idle.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        self._connections.discard(self)
        streams, self._streams = list(self._streams.values()), {}
        for stream in streams:
            stream.finished = True
            stream.close_handler()
        if self._idle is not None and not self._idle.done():
            self._idle.set_result(None)

    def _give_window_back(self) -> None:
        """For what this read consumed, a quarter of the window at a time."""
        consumed = self._received - self.buffered - self._acknowledged
        if consumed >= self.limits.max_buffered // 4:
            self.frame(WINDOW_UPDATE, 0, 0, _WORD.pack(consumed))
            self._acknowledged += consumed

    # A client that does not read what we write is not read either: what it makes us answer
    # (replies, PING acknowledgements, errors) cannot pile up in our memory.

    def pause_writing(self) -> None:
        self._transport.pause_reading()

    def resume_writing(self) -> None:
        self._transport.resume_reading()

    # graceful stop

    @property
    def busy(self) -> bool:
        return any(s.handler.busy for s in self._streams.values())

    async def shut_down(self, grace: float | None) -> None:
        """Refuses new streams, waits up to `grace` seconds for busy handlers, ends the rest."""
        if self._transport is None or self._transport.is_closing():
            return
        self._going_away = True
        self._go_away(NO_ERROR)
        if grace and self.busy:
            self._idle = asyncio.get_running_loop().create_future()
            try:
                await asyncio.wait_for(self._idle, grace)
            except asyncio.TimeoutError:
                pass
        for stream in list(self._streams.values()):
            stream.close_handler()
            stream.finish(UNAVAILABLE, "the chaincode server is stopping")
        self._flush()
        self._transport.close()

    # sending

    def _go_away(self, code: int, reason: bytes = b"") -> None:
        self.frame(GOAWAY, 0, 0, _WORD.pack(self._last_stream), _WORD.pack(code), reason)

    def frame(self, kind: int, flags: int, stream_id: int, *payload: bytes) -> None:
        length = sum(map(len, payload))
        self._out.append(_FRAME.pack(length >> 8, length & 0xFF, kind, flags, stream_id))
        self._out.extend(payload)
        if not self._receiving and not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        if self._out and self._transport is not None and not self._transport.is_closing():
            self._transport.write(b"".join(self._out))
        self._out.clear()

    def headers(self, stream_id: int, headers: list[tuple[str, str]], end_stream: bool = False) -> None:
        """A header block, in CONTINUATION frames after the HEADERS where the client's maximum
        frame size asks for it."""
        block = self._encoder.encode(headers)
        limit = self.peer_max_frame
        flags = END_STREAM if end_stream else 0
        if len(block) <= limit:
            self.frame(HEADERS, flags | END_HEADERS, stream_id, block)
            return
        self.frame(HEADERS, flags, stream_id, block[:limit])
        for offset in range(limit, len(block), limit):
            last = offset + limit >= len(block)
            self.frame(CONTINUATION, END_HEADERS if last else 0, stream_id, block[offset : offset + limit])

    def forget(self, stream: Stream) -> None:
        """The stream is done on our side; if the client has not ended its side, we tell it to
        stop sending (as gRPC servers do), rather than leave the stream half-closed."""
        self._drop(stream)
        if not stream.remote_closed:
            self._send_reset(stream.id, NO_ERROR)

    def reset(self, stream: Stream, code: int, reason: str) -> None:
        """A stream error (RFC 9113 5.4.2): the stream ends with RST_STREAM, the connection goes on."""
        self.complaints.warning("HTTP/2 stream error", stream=stream.id, code=code, reason=reason)
        self._drop(stream)
        stream.close_handler()
        self._send_reset(stream.id, code)

    def _drop(self, stream: Stream) -> None:
        stream.finished = True
        stream.discard_inbound()
        self._streams.pop(stream.id, None)

    def _send_reset(self, stream_id: int, code: int) -> None:
        self.frame(RST_STREAM, 0, stream_id, _WORD.pack(code))
        self._reset_streams.append(stream_id)

    def _stream_error(self, stream_id: int, code: int, reason: str) -> None:
        """A stream error on a stream that may not be open: an idle one cannot be reset."""
        stream = self._streams.get(stream_id)
        if stream is not None:
            self.reset(stream, code, reason)
        elif stream_id <= self._last_stream:
            self.complaints.warning("HTTP/2 stream error", stream=stream_id, code=code, reason=reason)
            self._send_reset(stream_id, code)
        else:
            raise _ConnectionError(code, reason)

    # receiving

    def _read_frames(self) -> None:
        buffer = self._buffer
        offset = 0
        if not self._preface_seen:
            if len(buffer) < len(PREFACE):
                if not PREFACE.startswith(bytes(buffer)):
                    raise _ConnectionError(PROTOCOL_ERROR, "not an HTTP/2 client")
                return
            if buffer[: len(PREFACE)] != PREFACE:
                raise _ConnectionError(PROTOCOL_ERROR, "not an HTTP/2 client")
            self._preface_seen = True
            offset = len(PREFACE)
        try:
            while len(buffer) - offset >= 9:
                high, low, kind, flags, stream_id = _FRAME.unpack_from(buffer, offset)
                length = high << 8 | low
                if length > _DEFAULT_FRAME:  # our SETTINGS keep the default maximum frame size
                    raise _ConnectionError(FRAME_SIZE_ERROR, f"frame of {length} bytes")
                end = offset + 9 + length
                if len(buffer) < end:
                    break
                payload = bytes(buffer[offset + 9 : end])
                offset = end
                if not self._settings_seen:  # the client's preface ends with its SETTINGS
                    if kind != SETTINGS:
                        raise _ConnectionError(PROTOCOL_ERROR, "the preface lacks SETTINGS")
                    self._settings_seen = True
                self._on_frame(kind, flags, stream_id & 0x7FFFFFFF, payload)
        finally:
            del buffer[:offset]

    def _on_frame(self, kind: int, flags: int, stream_id: int, payload: bytes) -> None:
        if self._header_block is not None and kind != CONTINUATION:
            raise _ConnectionError(PROTOCOL_ERROR, "header block interrupted")
        if kind == DATA:
            self._on_data(flags, stream_id, payload)
        elif kind == HEADERS:
            self._on_headers(flags, stream_id, payload)
        elif kind == CONTINUATION:
            if self._header_block is None or self._header_block[0] != stream_id:
                raise _ConnectionError(PROTOCOL_ERROR, "CONTINUATION without HEADERS")
            self._header_frames += 1
            if self._header_frames > self.limits.max_header_frames:
                raise _ConnectionError(ENHANCE_YOUR_CALM, "header block in too many frames")
            self._add_to_header_block(payload, flags)
        elif kind == SETTINGS:
            self._on_settings(flags, stream_id, payload)
        elif kind == PING:
            if stream_id != 0:
                raise _ConnectionError(PROTOCOL_ERROR, "PING on a stream")
            if len(payload) != 8:
                raise _ConnectionError(FRAME_SIZE_ERROR, "PING of other than 8 bytes")
            if not flags & ACK:
                self.frame(PING, ACK, 0, payload)
        elif kind == WINDOW_UPDATE:
            self._on_window_update(stream_id, payload)
        elif kind == RST_STREAM:
            self._on_reset(stream_id, payload)
        elif kind == PRIORITY:
            if stream_id == 0:
                raise _ConnectionError(PROTOCOL_ERROR, "PRIORITY on stream 0")
            if len(payload) != 5:
                self._stream_error(stream_id, FRAME_SIZE_ERROR, "PRIORITY of other than 5 bytes")
            elif _WORD.unpack_from(payload)[0] & 0x7FFFFFFF == stream_id:
                self._stream_error(stream_id, PROTOCOL_ERROR, "stream depends on itself")
        elif kind == GOAWAY:
            if stream_id != 0:
                raise _ConnectionError(PROTOCOL_ERROR, "GOAWAY on a stream")
            if len(payload) < 8:
                raise _ConnectionError(FRAME_SIZE_ERROR, "GOAWAY of fewer than 8 bytes")
            self._going_away = True
        elif kind == PUSH_PROMISE:
            raise _ConnectionError(PROTOCOL_ERROR, "a client cannot push")
        # Unknown frame types are ignored, as the RFC asks.

    def _on_data(self, flags: int, stream_id: int, payload: bytes) -> None:
        flow_controlled = len(payload)
        if stream_id == 0:
            raise _ConnectionError(PROTOCOL_ERROR, "DATA on stream 0")
        self._received += flow_controlled
        if self._received - self._acknowledged > self.limits.max_buffered:
            raise _ConnectionError(FLOW_CONTROL_ERROR, "DATA beyond the connection's window")
        if flags & PADDED:
            payload = _unpad(payload)
        stream = self._streams.get(stream_id)
        if stream is None:
            self._on_closed_stream(stream_id, "DATA")
        elif stream.remote_closed:
            self.reset(stream, STREAM_CLOSED, "DATA after END_STREAM")
        else:
            stream.receive(payload, flow_controlled, bool(flags & END_STREAM))

    def _on_closed_stream(self, stream_id: int, kind: str) -> None:
        """DATA or trailers for a stream that is not open."""
        if stream_id > self._last_stream:
            raise _ConnectionError(PROTOCOL_ERROR, f"{kind} on idle stream {stream_id}")
        if stream_id not in self._reset_streams:  # else sent before our RST_STREAM arrived
            self._stream_error(stream_id, STREAM_CLOSED, f"{kind} on closed stream {stream_id}")

    def _on_headers(self, flags: int, stream_id: int, payload: bytes) -> None:
        if stream_id == 0:
            raise _ConnectionError(PROTOCOL_ERROR, "HEADERS on stream 0")
        if flags & PADDED:
            payload = _unpad(payload)
        dependency = None
        if flags & PRIORITY_FLAG:
            if len(payload) < 5:
                raise _ConnectionError(FRAME_SIZE_ERROR, "HEADERS too short for its priority")
            dependency = _WORD.unpack_from(payload)[0] & 0x7FFFFFFF
            payload = payload[5:]
        self._header_block = (stream_id, flags, bytearray(), dependency == stream_id)
        self._header_frames = 1
        self._add_to_header_block(payload, flags)

    def _add_to_header_block(self, payload: bytes, flags: int) -> None:
        block = self._header_block[2]
        block += payload
        if len(block) > self.limits.max_header_list:
            raise _ConnectionError(ENHANCE_YOUR_CALM, "header block too large")
        if flags & END_HEADERS:
            self._end_header_block()

    def _end_header_block(self) -> None:
        stream_id, flags, block, self_dependent = self._header_block
        self._header_block = None
        try:
            headers = self._decoder.decode(bytes(block))
        except hpack.OversizedHeaderListError:
            raise _ConnectionError(ENHANCE_YOUR_CALM, "header list too large") from None
        except hpack.HPACKError as exc:
            raise _ConnectionError(COMPRESSION_ERROR, f"bad header block: {exc}") from None
        stream = self._streams.get(stream_id)
        reset_by_us = stream is None and stream_id <= self._last_stream and stream_id in self._reset_streams
        if stream is not None or reset_by_us:  # trailers from the client: only END_STREAM matters
            problem = _header_problem(headers, request=False)
            if not problem and not flags & END_STREAM:
                problem = "trailers without END_STREAM"
            if stream is None:  # sent before our RST_STREAM arrived; still malformed if it is
                if problem:
                    self._stream_error(stream_id, PROTOCOL_ERROR, problem)
            elif stream.remote_closed:
                self.reset(stream, STREAM_CLOSED, "HEADERS after END_STREAM")
            elif problem:
                self.reset(stream, PROTOCOL_ERROR, problem)
            else:
                stream.receive(b"", 0, True)
            return
        if stream_id % 2 == 0 or stream_id <= self._last_stream:
            raise _ConnectionError(PROTOCOL_ERROR, f"stream {stream_id} cannot be opened")
        self._last_stream = stream_id
        problem = "stream depends on itself" if self_dependent else _header_problem(headers, request=True)
        if problem:
            self._stream_error(stream_id, PROTOCOL_ERROR, problem)
        elif self._going_away or len(self._streams) >= self.limits.max_streams:
            self._send_reset(stream_id, REFUSED_STREAM)
        else:
            self._open_stream(stream_id, dict(headers), bool(flags & END_STREAM))

    def _open_stream(self, stream_id: int, headers: dict[str, str], ended: bool) -> None:
        factory = self._methods.get(headers[":path"])
        refusal = None
        grpc = headers.get("content-type", "").startswith("application/grpc")
        if headers[":method"] != "POST" or not grpc:
            refusal = (INTERNAL, "not a gRPC request")
        elif factory is None:
            refusal = (UNIMPLEMENTED, f"unknown method {headers[':path']}")
        if refusal is not None:  # a trailers-only response
            status, message = refusal
            self.headers(
                stream_id,
                [(":status", "200"), ("content-type", "application/grpc"),
                 ("grpc-status", str(status)), ("grpc-message", _percent_encode(message))],
                end_stream=True,
            )
            if not ended:
                self._send_reset(stream_id, NO_ERROR)
            return
        length = headers.get("content-length")
        stream = Stream(self, stream_id, self._initial_window, int(length) if length is not None else None)
        self._streams[stream_id] = stream
        self.headers(stream_id, [(":status", "200"), ("content-type", "application/grpc")])
        try:
            stream.handler = factory(stream)
        except Exception as exc:
            log.exception("stream handler failed to start", extra={"stream": stream_id})
            stream.finish(INTERNAL, f"handler failed: {type(exc).__name__}: {exc}")
            return
        if ended and not stream.finished:
            stream.receive(b"", 0, True)

    def _on_settings(self, flags: int, stream_id: int, payload: bytes) -> None:
        if stream_id != 0:
            raise _ConnectionError(PROTOCOL_ERROR, "SETTINGS on a stream")
        if flags & ACK:
            if payload:
                raise _ConnectionError(FRAME_SIZE_ERROR, "SETTINGS acknowledgement with a payload")
            return
        if len(payload) % 6:
            raise _ConnectionError(FRAME_SIZE_ERROR, "SETTINGS of a bad length")
        for offset in range(0, len(payload), 6):
            ident, value = _SETTING.unpack_from(payload, offset)
            if ident == INITIAL_WINDOW_SIZE:
                if value > _MAX_WINDOW:
                    raise _ConnectionError(FLOW_CONTROL_ERROR, "initial window too large")
                delta, self._initial_window = value - self._initial_window, value
                for stream in self._streams.values():
                    stream.window += delta
                    if stream.window > _MAX_WINDOW:
                        raise _ConnectionError(FLOW_CONTROL_ERROR, "a stream's window past 2^31-1")
            elif ident == MAX_FRAME_SIZE:
                if not _DEFAULT_FRAME <= value <= 0xFFFFFF:
                    raise _ConnectionError(PROTOCOL_ERROR, "bad maximum frame size")
                self.peer_max_frame = value
            elif ident == HEADER_TABLE_SIZE:
                self._encoder.header_table_size = value
            elif ident == ENABLE_PUSH and value > 1:
                raise _ConnectionError(PROTOCOL_ERROR, "ENABLE_PUSH other than 0 or 1")
        self.frame(SETTINGS, ACK, 0)
        self._drain_all()

    def _on_window_update(self, stream_id: int, payload: bytes) -> None:
        if len(payload) != 4:
            raise _ConnectionError(FRAME_SIZE_ERROR, "WINDOW_UPDATE of other than 4 bytes")
        increment = _WORD.unpack(payload)[0] & 0x7FFFFFFF
        if stream_id == 0:
            if not increment:
                raise _ConnectionError(PROTOCOL_ERROR, "WINDOW_UPDATE of 0")
            self.send_window += increment
            if self.send_window > _MAX_WINDOW:
                raise _ConnectionError(FLOW_CONTROL_ERROR, "connection window past 2^31-1")
            self._drain_all()
            return
        stream = self._streams.get(stream_id)
        if not increment:
            self._stream_error(stream_id, PROTOCOL_ERROR, "WINDOW_UPDATE of 0")
        elif stream is not None:
            stream.window += increment
            if stream.window > _MAX_WINDOW:
                self.reset(stream, FLOW_CONTROL_ERROR, "stream window past 2^31-1")
            else:
                stream.drain()
        elif stream_id > self._last_stream:
            raise _ConnectionError(PROTOCOL_ERROR, f"WINDOW_UPDATE on idle stream {stream_id}")
        # else: a stream that ended while the client was still giving it window

    def _on_reset(self, stream_id: int, payload: bytes) -> None:
        if stream_id == 0:
            raise _ConnectionError(PROTOCOL_ERROR, "RST_STREAM on stream 0")
        if len(payload) != 4:
            raise _ConnectionError(FRAME_SIZE_ERROR, "RST_STREAM of other than 4 bytes")
        if stream_id > self._last_stream:
            raise _ConnectionError(PROTOCOL_ERROR, f"RST_STREAM on idle stream {stream_id}")
        stream = self._streams.get(stream_id)
        if stream is not None:
            self._drop(stream)
            stream.close_handler()
        elif stream_id in self._reset_streams:  # both sides reset it: what follows is an error
            self._reset_streams.remove(stream_id)

    def _drain_all(self) -> None:
        for stream in list(self._streams.values()):
            stream.drain()


def _header_problem(headers: list[tuple[str, str]], request: bool) -> str | None:
    """What makes a request's header list (or trailers) malformed (RFC 9113 8.2, 8.3), if anything."""
    pseudo: dict[str, str] = {}
    regular = False
    for name, value in headers:
        if name.startswith(":"):
            if not request or regular:
                return f"pseudo-header {name} out of place"
            if name not in _REQUEST_PSEUDO or name in pseudo:
                return f"pseudo-header {name} unknown or repeated"
            pseudo[name] = value
        else:
            regular = True
            if name != name.lower():
                return f"header name {name} not in lower case"
            if name in _CONNECTION_SPECIFIC or (name == "te" and value != "trailers"):
                return f"connection-specific header {name}"
            if name == "content-length" and not value.isdigit():
                return "content-length not a number"
    if request and not (pseudo.get(":method") and pseudo.get(":scheme") and pseudo.get(":path")):
        return "request without :method, :scheme or :path"
    return None


def _unpad(payload: bytes) -> bytes:
    if not payload or payload[0] >= len(payload):
        raise _ConnectionError(PROTOCOL_ERROR, "bad padding")
    return payload[1 : len(payload) - payload[0]]


def _address(transport: asyncio.Transport | None) -> str:
    peer = transport.get_extra_info("peername") if transport is not None else None
    return str(peer[0]) if isinstance(peer, tuple) else str(peer)


def _percent_encode(text: str) -> str:
    """gRPC's grpc-message encoding: UTF-8, with bytes outside printable ASCII and '%' escaped."""
    return "".join(
        chr(byte) if 0x20 <= byte <= 0x7E and byte != 0x25 else f"%{byte:02X}" for byte in text.encode()
    )
