"""The chaincode server's HTTP/2 transport, driven by grpcio's client (another gRPC implementation)."""
from __future__ import annotations

import queue
import socket

import grpc
import pytest

from grootboek.chaincode.shim import http2

from .echo import LIMIT, METHOD, Server

@pytest.fixture
def server():
    server = Server()
    yield server
    server.close()


@pytest.fixture
def channel(server):
    options = [
        ("grpc.max_receive_message_length", 16 * LIMIT),
        ("grpc.max_send_message_length", 16 * LIMIT),
    ]
    with grpc.insecure_channel(f"127.0.0.1:{server.port}", options=options) as channel:
        yield channel


def chat(channel, messages, method=METHOD):
    call = channel.stream_stream(method)
    return list(call(iter(messages), timeout=10))


def test_messages_of_every_size_come_back_whole_and_in_order(channel):
    # 5 kB fits a frame; 300 kB exceeds the client's first flow-control window and our frame size.
    messages = [b"", b"x", bytes(range(256)) * 20, b"y" * 300_000, b"z" * 16_379]
    assert chat(channel, messages) == messages


def test_many_messages_in_one_stream(channel):
    messages = [str(i).encode() * (i % 50) for i in range(2000)]
    assert chat(channel, messages) == messages


def test_a_stream_ended_by_the_client_reaches_the_handler_once(channel, server):
    assert chat(channel, [b"a"]) == [b"a"]
    assert server.events.get(timeout=5) == "closed"
    assert server.events.empty()


def test_an_unknown_method_is_unimplemented(channel, server):
    with pytest.raises(grpc.RpcError) as refused:
        chat(channel, [b"a"], method="/test.Echo/Other")
    assert refused.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert "/test.Echo/Other" in refused.value.details()


def test_a_handler_error_ends_the_call_with_its_status_and_message(channel, server):
    with pytest.raises(grpc.RpcError) as failed:
        chat(channel, [b"a", "fail:niet geldig – ß".encode(), b"never"])
    assert failed.value.code() == grpc.StatusCode.INTERNAL
    assert failed.value.details() == "niet geldig – ß"
    assert server.events.get(timeout=5) == "closed"


def test_a_message_over_the_limit_is_refused_and_names_its_size(channel, server):
    with pytest.raises(grpc.RpcError) as refused:
        chat(channel, [b"a", b"b" * (LIMIT + 1)])
    assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert f"message of {LIMIT + 1} bytes" in refused.value.details()


def open_call(channel):
    """A call in progress: its requests queue (None ends it) and its responses."""
    requests: queue.Queue = queue.Queue()
    responses = channel.stream_stream(METHOD)(iter(requests.get, None))
    requests.put(b"ping")
    assert next(responses) == b"ping"
    return requests, responses


def test_a_cancelled_call_closes_its_handler(channel, server):
    _, responses = open_call(channel)
    responses.cancel()
    assert server.events.get(timeout=5) == "closed"


def test_stopping_ends_open_calls_as_unavailable(channel, server):
    requests, responses = open_call(channel)
    server.shut_down_connections()
    with pytest.raises(grpc.RpcError) as ended:
        next(responses)
    assert ended.value.code() == grpc.StatusCode.UNAVAILABLE
    assert server.events.get(timeout=5) == "closed"
    requests.put(None)


def test_a_client_that_does_not_speak_http2_gets_a_goaway_with_the_reason(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        received = b""
        while chunk := sock.recv(4096):  # until the server closes
            received += chunk
    frames = []
    while received:
        length, kind = int.from_bytes(received[:3], "big"), received[3]
        frames.append((kind, received[9 : 9 + length]))
        received = received[9 + length :]
    assert [kind for kind, _ in frames] == [http2.SETTINGS, http2.WINDOW_UPDATE, http2.GOAWAY]
    goaway = frames[-1][1]
    assert int.from_bytes(goaway[4:8], "big") == http2.PROTOCOL_ERROR
    assert goaway[8:] == b"not an HTTP/2 client"
