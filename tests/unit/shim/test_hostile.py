"""Hostile and broken HTTP/2 clients, built frame by frame: each gets the exact error the RFC (or a
limit) names, and the server goes on serving a good client afterwards."""
from __future__ import annotations

import asyncio
import logging
import socket
import struct
import time

import grpc
import hpack
import pytest
from hyperframe.frame import (
    ContinuationFrame, DataFrame, Frame, GoAwayFrame, HeadersFrame, RstStreamFrame, SettingsFrame,
    WindowUpdateFrame,
)

from grootboek.chaincode.shim import http2

from .echo import METHOD, Server

KIB = 1024
GRPC_REQUEST = [(":method", "POST"), (":scheme", "http"), (":path", METHOD), (":authority", "x"),
                ("content-type", "application/grpc")]


class Client:
    """An HTTP/2 client that sends whatever frames a test gives it and reads the server's."""

    def __init__(self, port: int, settings: dict[int, int] | None = None) -> None:
        self.port = port
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self._encoder = hpack.Encoder()
        self._decoder = hpack.Decoder()
        self._received = b""
        self._block = b""
        self.sock.sendall(http2.PREFACE + SettingsFrame(0, settings or {}).serialize())

    def send(self, *frames: Frame | bytes) -> None:
        self.sock.sendall(b"".join(f if isinstance(f, bytes) else f.serialize() for f in frames))

    def request(self, stream_id: int, headers=GRPC_REQUEST, end_stream: bool = False) -> None:
        flags = ["END_HEADERS"] + (["END_STREAM"] if end_stream else [])
        self.send(HeadersFrame(stream_id, self._encoder.encode(headers), flags=flags))

    def frame(self) -> Frame | None:
        """The next frame from the server; None once it closed the connection."""
        while True:
            if len(self._received) >= 9:
                frame, length = Frame.parse_frame_header(memoryview(self._received[:9]))
                if len(self._received) >= 9 + length:
                    frame.parse_body(memoryview(self._received[9 : 9 + length]))
                    self._received = self._received[9 + length :]
                    if isinstance(frame, (HeadersFrame, ContinuationFrame)):  # every block, in order
                        self._block += frame.data
                        if "END_HEADERS" in frame.flags:
                            frame.fields = dict(self._decoder.decode(self._block))
                            self._block = b""
                    return frame
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self._received += chunk

    def expect(self, kind: type, stream_id: int | None = None) -> Frame:
        while (frame := self.frame()) is not None:
            if isinstance(frame, kind) and stream_id in (None, frame.stream_id):
                return frame
        raise AssertionError(f"connection closed before a {kind.__name__}")

    def expect_goaway(self, code: int) -> None:
        assert self.expect(GoAwayFrame).error_code == code
        while self.frame() is not None:  # and the server closes the connection
            pass

    def expect_reset(self, stream_id: int, code: int) -> None:
        assert self.expect(RstStreamFrame, stream_id).error_code == code

    def trailers(self, stream_id: int) -> tuple[list[Frame], dict[str, str]]:
        """The frames and fields of the header block that ends `stream_id` (after its response
        headers)."""
        while True:
            frames = [self.expect(HeadersFrame, stream_id)]
            while "END_HEADERS" not in frames[-1].flags:
                frames.append(self.expect(ContinuationFrame, stream_id))
            if "END_STREAM" in frames[0].flags:
                return frames, frames[-1].fields

    def close(self) -> None:
        self.sock.close()


def raw(kind: int, flags: int, stream_id: int, payload: bytes) -> bytes:
    """A frame hyperframe would refuse to build."""
    return struct.pack(">HBBBL", len(payload) >> 8, len(payload) & 0xFF, kind, flags, stream_id) + payload


def message(stream_id: int, length: int, data: bytes, **options) -> DataFrame:
    """A DATA frame opening a gRPC message of `length` bytes with `data`."""
    return DataFrame(stream_id, struct.pack(">BL", 0, length) + data, **options)


@pytest.fixture
def serve():
    servers = []

    def start(**limits) -> Server:
        servers.append(Server(http2.Limits(**limits)) if limits else Server())
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def client(serve):
    clients = []

    def connect(server: Server, **options) -> Client:
        clients.append(Client(server.port, **options))
        return clients[-1]

    yield connect
    for each in clients:
        each.close()


@pytest.fixture
def hostile(serve, client) -> Client:
    """A client of a server with the default limits."""
    return client(serve())


def assert_serves(server: Server | Client) -> None:
    """The server (or the one the client is connected to) answers a good client."""
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        assert list(channel.stream_stream(METHOD)(iter([b"good"]), timeout=10)) == [b"good"]


def test_data_beyond_the_connection_window_is_a_flow_control_error(serve, client):
    server = serve(max_message=64 * KIB, max_buffered=100 * KIB)
    hostile = client(server)
    # Two unfinished messages: 55 KiB and then 45 KiB, the last frame just past the window of 100 KiB
    # (sending more could meet a closed socket and reset it).
    for stream_id, frames in ((1, 4), (3, 3)):
        hostile.request(stream_id)
        hostile.send(message(stream_id, 60 * KIB, bytes(15 * KIB)),
                     *(DataFrame(stream_id, bytes(10 * KIB)) for _ in range(frames)))
    hostile.expect_goaway(http2.FLOW_CONTROL_ERROR)
    assert_serves(hostile)


def test_data_beyond_a_stream_window_resets_the_stream(serve, client):
    server = serve(max_message=32 * KIB, max_buffered=100 * KIB)
    hostile = client(server)
    hostile.request(1)
    hostile.send(message(1, 32 * KIB, bytes(16 * KIB - 5)), DataFrame(1, bytes(16 * KIB - 1)))
    # The last byte of the message, with padding beyond the stream's window of one message.
    hostile.send(DataFrame(1, b"x", flags=["PADDED"], pad_length=255))
    hostile.expect_reset(1, http2.FLOW_CONTROL_ERROR)
    assert_serves(hostile)


def test_a_window_update_of_zero_is_a_protocol_error_of_its_stream_or_connection(hostile):
    hostile.request(1)
    hostile.send(raw(http2.WINDOW_UPDATE, 0, 1, bytes(4)))
    hostile.expect_reset(1, http2.PROTOCOL_ERROR)
    hostile.request(3, end_stream=True)  # the connection goes on
    assert hostile.trailers(3)[1]["grpc-status"] == "0"
    hostile.send(raw(http2.WINDOW_UPDATE, 0, 0, bytes(4)))
    hostile.expect_goaway(http2.PROTOCOL_ERROR)
    assert_serves(hostile)


def test_a_window_past_2_31_is_a_flow_control_error(hostile):
    hostile.request(1)
    hostile.send(WindowUpdateFrame(1, 2**31 - 1))
    hostile.expect_reset(1, http2.FLOW_CONTROL_ERROR)
    hostile.send(WindowUpdateFrame(0, 2**31 - 1))
    hostile.expect_goaway(http2.FLOW_CONTROL_ERROR)
    assert_serves(hostile)


@pytest.mark.parametrize("flood", ["empty frames", "bytes"])
def test_a_continuation_flood_is_cut_off(serve, client, flood):
    server = serve(max_header_list=8 * KIB)
    hostile = client(server)
    hostile.send(HeadersFrame(1, hpack.Encoder().encode(GRPC_REQUEST)))  # no END_HEADERS
    # Just past the limit (16 frames, 8 KiB): more could meet a closed socket and reset it.
    fragment, count = (b"", 16) if flood == "empty frames" else (bytes(4 * KIB), 2)
    hostile.send(*(ContinuationFrame(1, fragment) for _ in range(count)))
    hostile.expect_goaway(http2.ENHANCE_YOUR_CALM)
    assert_serves(hostile)


def test_streams_beyond_the_advertised_limit_are_refused(serve, client):
    server = serve(max_streams=2)
    hostile = client(server)
    settings = hostile.expect(SettingsFrame)
    assert settings.settings[SettingsFrame.MAX_CONCURRENT_STREAMS] == 2
    for stream_id in (1, 3, 5):
        hostile.request(stream_id)
    hostile.expect_reset(5, http2.REFUSED_STREAM)
    hostile.send(message(1, 2, b"ok", flags=["END_STREAM"]))  # the open ones still work
    assert hostile.trailers(1)[1]["grpc-status"] == "0"
    assert_serves(hostile)


@pytest.mark.parametrize("headers", [
    GRPC_REQUEST + [("Content-Type", "application/grpc")],
    GRPC_REQUEST + [("connection", "keep-alive")],
    GRPC_REQUEST + [("te", "gzip")],
    GRPC_REQUEST + [(":status", "200")],
    [h for h in GRPC_REQUEST if h[0] != ":path"],
    [("content-type", "application/grpc")] + GRPC_REQUEST[:-1],
], ids=["upper case", "connection-specific", "te", "response pseudo-header", "no path",
        "pseudo-header last"])
def test_a_malformed_request_is_a_protocol_error_of_its_stream(hostile, headers):
    hostile.request(1, headers)
    hostile.expect_reset(1, http2.PROTOCOL_ERROR)
    assert_serves(hostile)


def test_data_that_disagrees_with_content_length_is_a_protocol_error(hostile):
    hostile.request(1, GRPC_REQUEST + [("content-length", "3")])
    hostile.send(message(1, 2, b"ok"))
    hostile.expect_reset(1, http2.PROTOCOL_ERROR)
    assert_serves(hostile)


def test_data_after_the_client_ended_its_stream_is_a_stream_closed_error(hostile):
    hostile.request(1)
    hostile.send(message(1, 2, b"ok", flags=["END_STREAM"]))
    hostile.trailers(1)
    hostile.send(message(1, 2, b"ok"))
    hostile.expect_reset(1, http2.STREAM_CLOSED)
    assert_serves(hostile)


def test_a_client_that_does_not_read_is_not_read_either(serve):
    server = serve(write_buffer=64 * KIB)
    hostile = socket.create_connection(("127.0.0.1", server.port))
    hostile.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * KIB)
    hostile.sendall(http2.PREFACE + SettingsFrame(0).serialize())
    hostile.setblocking(False)
    pings = raw(http2.PING, 0, 0, bytes(8)) * 4000
    pending, sent, deadline = memoryview(pings), 0, time.monotonic() + 3
    while time.monotonic() < deadline:  # PINGs, never reading a PING ACK
        try:
            count = hostile.send(pending)
        except BlockingIOError:
            time.sleep(0.01)
            continue
        sent += count
        pending = pending[count:] or memoryview(pings)

    async def buffered() -> int:
        return max(c._transport.get_write_buffer_size() for c in server.connections)

    # Without backpressure the server would answer everything it was sent.
    assert server.run(buffered()) < 64 * KIB + 512 * KIB < sent
    hostile.close()
    assert_serves(server)


def test_trailers_longer_than_the_clients_frame_size_go_in_continuation_frames(hostile):
    reason = "x" * 40_000
    hostile.request(1)
    body = struct.pack(">BL", 0, 5 + len(reason)) + b"fail:" + reason.encode()
    hostile.send(*(DataFrame(1, body[i : i + 16 * KIB]) for i in range(0, len(body), 16 * KIB)))
    frames, fields = hostile.trailers(1)
    assert [type(f) for f in frames] == [HeadersFrame, ContinuationFrame, ContinuationFrame]
    assert all(len(f.data) <= 16_384 for f in frames)
    assert fields["grpc-status"] == str(http2.INTERNAL) and fields["grpc-message"] == reason
    assert_serves(hostile)


def test_a_failing_handler_fails_its_stream_only(serve):
    server = serve()
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        call = channel.stream_stream(METHOD)
        with pytest.raises(grpc.RpcError) as failed:
            list(call(iter([b"raise"]), timeout=10))
        assert failed.value.code() == grpc.StatusCode.INTERNAL
        assert "RuntimeError: a bug in the handler" in failed.value.details()
        assert list(call(iter([b"same connection"]), timeout=10)) == [b"same connection"]
    assert len(server.connections) <= 1


def test_complaints_are_limited_per_interval_then_counted(caplog):
    logger = logging.getLogger("test.complaints")

    async def complain() -> None:
        complaints = http2.Complaints(logger, burst=2, interval=0.1)
        for client_number in range(5):
            complaints.warning("bad client", client=client_number)
        await asyncio.sleep(0.2)
        complaints.warning("bad client", client=5)

    with caplog.at_level(logging.WARNING, logger.name):
        asyncio.run(complain())
    assert [(r.msg, getattr(r, "client", None), getattr(r, "left_out", None)) for r in caplog.records] == [
        ("bad client", 0, None), ("bad client", 1, None),
        ("more warnings about clients left out", None, 3), ("bad client", 5, None),
    ]
