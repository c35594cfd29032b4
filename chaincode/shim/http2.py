"""gRPC's server side over HTTP/2 (RFC 9113), on one asyncio loop: just what the peer's stream needs.

Why not grpcio's server: it moves every message between its own threads and the asyncio loop
(about 20 context switches per evaluation, half of the server's CPU spent in the kernel). Here an
asyncio Protocol parses frames where they arrive, the handler runs (transactions run in greenlets
inside it), and everything the frames of one read produced goes out in one write.

Scope: server side; prior-knowledge h2c, or TLS with ALPN h2; bidirectional streams of
uncompressed gRPC messages; flow control both ways; SETTINGS, PING, WINDOW_UPDATE, RST_STREAM,
GOAWAY. Not needed by a chaincode server, so left out: server push, priorities (ignored),
compressed messages (answered UNIMPLEMENTED).
"""
from __future__ import annotations

import asyncio
import logging
import socket
import struct
from typing import Callable, Protocol

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
(HEADER_TABLE_SIZE, _ENABLE_PUSH, MAX_CONCURRENT_STREAMS, INITIAL_WINDOW_SIZE, MAX_FRAME_SIZE,
 MAX_HEADER_LIST_SIZE) = range(1, 7)
NO_ERROR, PROTOCOL_ERROR, _INTERNAL_ERROR, FLOW_CONTROL_ERROR = range(4)
FRAME_SIZE_ERROR, REFUSED_STREAM, COMPRESSION_ERROR = 6, 7, 9

# gRPC status codes used here
OK, UNKNOWN, RESOURCE_EXHAUSTED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE = 0, 2, 8, 12, 13, 14

_DEFAULT_WINDOW = 65_535
_DEFAULT_FRAME = 16_384
# Large receive windows: the peer never waits for a WINDOW_UPDATE between small messages, and we
# send one only after a quarter of it was used.
WINDOW = 16 * 1024 * 1024
_STREAMS = 100
_HEADER_LIST = 64 * 1024


class Handler(Protocol):
    """The application side of one stream."""

    busy: bool  # work in progress that a graceful stop should wait for

    def message(self, data: bytes) -> None:
        """One gRPC message from the client."""

    def closed(self) -> None:
        """The client ended or cancelled the stream, or the connection was lost."""


HandlerFactory = Callable[["Stream"], Handler]


class StreamError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _ConnectionError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


class Stream:
    """One gRPC call: `send()` messages to the client, `finish()` with a status."""

    def __init__(self, connection: "ServerConnection", stream_id: int, window: int) -> None:
        self._connection = connection
        self.id = stream_id
        self.window = window  # what the client lets us send on this stream
        self.handler: Handler | None = None
        self._inbound = bytearray()
        self._outbound = bytearray()
        self._unacknowledged = 0
        self._trailers: list[tuple[str, str]] | None = None
        self.finished = False

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
            block = connection.encode(self._trailers)
            connection.frame(HEADERS, END_STREAM | END_HEADERS, self.id, block)
            connection.forget(self)

    def receive(self, data: bytes, flow_controlled: int, end: bool) -> None:
        self._unacknowledged += flow_controlled
        if self._unacknowledged >= WINDOW // 4 and not end:
            self._connection.frame(WINDOW_UPDATE, 0, self.id, _WORD.pack(self._unacknowledged))
            self._unacknowledged = 0
        try:
            self._read_messages(data)
        except StreamError as exc:
            self._fail(exc.status, str(exc))
            return
        if end and not self.finished:
            self.handler.closed()
            self.finish()

    def _read_messages(self, data: bytes) -> None:
        limit = self._connection.max_message_size
        if not self._inbound and len(data) >= 5:  # the usual case: whole messages in one frame
            compressed, length = _MESSAGE.unpack_from(data)
            if not compressed and length <= limit and len(data) == 5 + length:
                self.handler.message(data[5:])
                return
        inbound = self._inbound
        inbound += data
        while len(inbound) >= 5 and not self.finished and self._trailers is None:
            compressed, length = _MESSAGE.unpack_from(inbound)
            if compressed:
                raise StreamError(UNIMPLEMENTED, "compressed messages are not supported")
            if length > limit:
                raise StreamError(
                    RESOURCE_EXHAUSTED, f"message of {length} bytes is larger than the limit of {limit}"
                )
            if len(inbound) < 5 + length:
                return
            message = bytes(inbound[5 : 5 + length])
            del inbound[: 5 + length]
            self.handler.message(message)

    def _fail(self, status: int, message: str) -> None:
        log.warning("stream failed", extra={"stream": self.id, "reason": message})
        self.handler.closed()
        self._outbound.clear()
        self.finish(status, message)


class ServerConnection(asyncio.Protocol):
    """One client's HTTP/2 connection; `methods` maps a gRPC path to the handler of its calls.
    While open, the connection is in `connections` (the server's, to stop them)."""

    def __init__(
        self, methods: dict[str, HandlerFactory], max_message_size: int, connections: set
    ) -> None:
        self._methods = methods
        self._connections = connections
        self.max_message_size = max_message_size
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._preface_seen = False
        self._streams: dict[int, Stream] = {}
        self._last_stream = 0
        self._header_block: tuple[int, int, bytearray] | None = None  # (stream, flags, block)
        self._decoder = hpack.Decoder(max_header_list_size=_HEADER_LIST)
        self._encoder = hpack.Encoder()
        self.send_window = _DEFAULT_WINDOW
        self._initial_window = _DEFAULT_WINDOW
        self.peer_max_frame = _DEFAULT_FRAME
        self._unacknowledged = 0
        self._out: list[bytes] = []
        self._receiving = False
        self._flush_scheduled = False
        self._going_away = False
        self._idle: asyncio.Future | None = None

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._connections.add(self)
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
                (MAX_CONCURRENT_STREAMS, _STREAMS),
                (INITIAL_WINDOW_SIZE, WINDOW),
                (MAX_HEADER_LIST_SIZE, _HEADER_LIST),
            )
        )
        self.frame(SETTINGS, 0, 0, settings)
        self.frame(WINDOW_UPDATE, 0, 0, _WORD.pack(WINDOW - _DEFAULT_WINDOW))
        self._flush()

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        self._receiving = True
        try:
            self._read_frames()
        except _ConnectionError as exc:
            log.warning("HTTP/2 connection error", extra={"reason": str(exc)})
            self._go_away(exc.code, str(exc).encode())
            self._flush()
            self._transport.close()
        finally:
            self._receiving = False
            self._flush()
        if self._idle is not None and not self._idle.done() and not self.busy:
            self._idle.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        self._connections.discard(self)
        streams, self._streams = list(self._streams.values()), {}
        for stream in streams:
            stream.finished = True
            if stream.handler is not None:
                stream.handler.closed()
        if self._idle is not None and not self._idle.done():
            self._idle.set_result(None)

    # graceful stop

    @property
    def busy(self) -> bool:
        return any(s.handler is not None and s.handler.busy for s in self._streams.values())

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
            stream.handler.closed()
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

    def encode(self, headers: list[tuple[str, str]]) -> bytes:
        return self._encoder.encode(headers)

    def forget(self, stream: Stream) -> None:
        stream.finished = True
        self._streams.pop(stream.id, None)

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
                self._on_frame(kind, flags, stream_id & 0x7FFFFFFF, payload)
        finally:
            del buffer[:offset]

    def _on_frame(self, kind: int, flags: int, stream_id: int, payload: bytes) -> None:
        if self._header_block is not None and kind != CONTINUATION:
            raise _ConnectionError(PROTOCOL_ERROR, "header block interrupted")
        if kind == DATA:
            self._on_data(flags, stream_id, payload)
        elif kind == HEADERS:
            if stream_id == 0:
                raise _ConnectionError(PROTOCOL_ERROR, "HEADERS on stream 0")
            if flags & PADDED:
                payload = _unpad(payload)
            if flags & PRIORITY_FLAG:
                payload = payload[5:]
            self._header_block = (stream_id, flags, bytearray(payload))
            if flags & END_HEADERS:
                self._end_header_block()
        elif kind == CONTINUATION:
            if self._header_block is None or self._header_block[0] != stream_id:
                raise _ConnectionError(PROTOCOL_ERROR, "CONTINUATION without HEADERS")
            self._header_block[2].extend(payload)
            if len(self._header_block[2]) > _HEADER_LIST:
                raise _ConnectionError(PROTOCOL_ERROR, "header block too large")
            if flags & END_HEADERS:
                self._end_header_block()
        elif kind == SETTINGS:
            self._on_settings(flags, stream_id, payload)
        elif kind == PING:
            if len(payload) != 8:
                raise _ConnectionError(FRAME_SIZE_ERROR, "PING of other than 8 bytes")
            if not flags & ACK:
                self.frame(PING, ACK, 0, payload)
        elif kind == WINDOW_UPDATE:
            self._on_window_update(stream_id, payload)
        elif kind == RST_STREAM:
            stream = self._streams.pop(stream_id, None)
            if stream is not None:
                stream.finished = True
                stream.handler.closed()
        elif kind == GOAWAY:
            self._going_away = True
        elif kind == PUSH_PROMISE:
            raise _ConnectionError(PROTOCOL_ERROR, "a client cannot push")
        # PRIORITY and unknown frame types are ignored, as the RFC asks.

    def _on_data(self, flags: int, stream_id: int, payload: bytes) -> None:
        flow_controlled = len(payload)
        self._unacknowledged += flow_controlled
        if self._unacknowledged >= WINDOW // 4:
            self.frame(WINDOW_UPDATE, 0, 0, _WORD.pack(self._unacknowledged))
            self._unacknowledged = 0
        stream = self._streams.get(stream_id)
        if stream is None:
            if stream_id == 0 or stream_id > self._last_stream:
                raise _ConnectionError(PROTOCOL_ERROR, f"DATA on idle stream {stream_id}")
            return  # a stream we already ended: its late data is dropped
        if flags & PADDED:
            payload = _unpad(payload)
        stream.receive(payload, flow_controlled, bool(flags & END_STREAM))

    def _end_header_block(self) -> None:
        stream_id, flags, block = self._header_block
        self._header_block = None
        try:
            headers = dict(self._decoder.decode(bytes(block)))
        except hpack.HPACKError as exc:
            raise _ConnectionError(COMPRESSION_ERROR, f"bad header block: {exc}") from None
        stream = self._streams.get(stream_id)
        if stream is not None:  # trailers from the client: only END_STREAM matters
            if flags & END_STREAM:
                stream.receive(b"", 0, True)
            return
        if stream_id % 2 == 0 or stream_id <= self._last_stream:
            raise _ConnectionError(PROTOCOL_ERROR, f"stream {stream_id} cannot be opened")
        self._last_stream = stream_id
        if self._going_away or len(self._streams) >= _STREAMS:
            self.frame(RST_STREAM, 0, stream_id, _WORD.pack(REFUSED_STREAM))
            return
        self._open_stream(stream_id, headers, bool(flags & END_STREAM))

    def _open_stream(self, stream_id: int, headers: dict[str, str], ended: bool) -> None:
        stream = Stream(self, stream_id, self._initial_window)
        factory = self._methods.get(headers.get(":path", ""))
        refusal = None
        grpc = headers.get("content-type", "").startswith("application/grpc")
        if headers.get(":method") != "POST" or not grpc:
            refusal = (INTERNAL, "not a gRPC request")
        elif factory is None:
            refusal = (UNIMPLEMENTED, f"unknown method {headers.get(':path')}")
        if refusal is not None:  # a trailers-only response
            status, message = refusal
            block = self.encode(
                [(":status", "200"), ("content-type", "application/grpc"),
                 ("grpc-status", str(status)), ("grpc-message", _percent_encode(message))]
            )
            self.frame(HEADERS, END_STREAM | END_HEADERS, stream_id, block)
            return
        self._streams[stream_id] = stream
        self.frame(
            HEADERS, END_HEADERS, stream_id,
            self.encode([(":status", "200"), ("content-type", "application/grpc")]),
        )
        stream.handler = factory(stream)
        if ended and not stream.finished:
            stream.receive(b"", 0, True)

    def _on_settings(self, flags: int, stream_id: int, payload: bytes) -> None:
        if stream_id != 0:
            raise _ConnectionError(PROTOCOL_ERROR, "SETTINGS on a stream")
        if flags & ACK:
            return
        if len(payload) % 6:
            raise _ConnectionError(FRAME_SIZE_ERROR, "SETTINGS of a bad length")
        for offset in range(0, len(payload), 6):
            ident, value = _SETTING.unpack_from(payload, offset)
            if ident == INITIAL_WINDOW_SIZE:
                if value > 0x7FFFFFFF:
                    raise _ConnectionError(FLOW_CONTROL_ERROR, "initial window too large")
                delta, self._initial_window = value - self._initial_window, value
                for stream in self._streams.values():
                    stream.window += delta
            elif ident == MAX_FRAME_SIZE:
                if not _DEFAULT_FRAME <= value <= 0xFFFFFF:
                    raise _ConnectionError(PROTOCOL_ERROR, "bad maximum frame size")
                self.peer_max_frame = value
            elif ident == HEADER_TABLE_SIZE:
                self._encoder.header_table_size = value
        self.frame(SETTINGS, ACK, 0)
        self._drain_all()

    def _on_window_update(self, stream_id: int, payload: bytes) -> None:
        if len(payload) != 4:
            raise _ConnectionError(FRAME_SIZE_ERROR, "WINDOW_UPDATE of other than 4 bytes")
        increment = _WORD.unpack(payload)[0] & 0x7FFFFFFF
        if stream_id == 0:
            self.send_window += increment
            self._drain_all()
        elif (stream := self._streams.get(stream_id)) is not None:
            stream.window += increment
            stream.drain()

    def _drain_all(self) -> None:
        for stream in list(self._streams.values()):
            stream.drain()


def _unpad(payload: bytes) -> bytes:
    if not payload or payload[0] >= len(payload):
        raise _ConnectionError(PROTOCOL_ERROR, "bad padding")
    return payload[1 : len(payload) - payload[0]]


def _percent_encode(text: str) -> str:
    """gRPC's grpc-message encoding: UTF-8, with bytes outside printable ASCII and '%' escaped."""
    return "".join(
        chr(byte) if 0x20 <= byte <= 0x7E and byte != 0x25 else f"%{byte:02X}" for byte in text.encode()
    )
