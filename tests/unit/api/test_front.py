"""The gateway's HTTP front on a real socket, against clients that misbehave: nothing they send
reaches the app unless it is a whole request within the limits, and none of them can take the
threads that other clients need."""
from __future__ import annotations

import asyncio
import json
import socket
import ssl
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import pytest
from flask import Flask, Response, request

from grootboek.api.front import AsyncBody, FrontServer, Limits

from ..shim.certificates import CertificateAuthority


class App:
    """A Flask app that counts the requests it saw and can be told to hold one."""

    def __init__(self) -> None:
        self.flask = Flask("front-test")
        self.seen: list[dict[str, Any]] = []
        self.release = threading.Event()
        self.holding = threading.Event()
        self.stream_open = threading.Event()
        self.stream_ended = threading.Event()

        @self.flask.post("/echo")
        def echo():
            self.seen.append({"length": len(request.get_data()),
                              "cert": request.environ.get("SSL_CLIENT_CERT")})
            return {"length": len(request.get_data())}

        @self.flask.get("/hold")
        def hold():
            self.holding.set()
            self.release.wait(10)
            return {"held": True}

        @self.flask.get("/unsendable")
        def unsendable():
            return {"ok": True}, 200, {"X-Name": "\u017e"}  # not latin-1: no HTTP/1.1 header can carry it

        @self.flask.get("/stream")
        def stream():
            async def chunks():
                self.stream_open.set()
                try:
                    yield b"first\n"
                    while not self.release.is_set():  # writes nothing meanwhile
                        await asyncio.sleep(0.01)
                    yield b"last\n"
                finally:
                    self.stream_ended.set()

            return Response(AsyncBody(chunks), mimetype="text/plain", direct_passthrough=True)


@contextmanager
def serving(app: App, tls: ssl.SSLContext | None = None, **limits: Any) -> Iterator[FrontServer]:
    loop = asyncio.new_event_loop()
    server = FrontServer(app.flask, Limits(**limits), tls)
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(server.start("127.0.0.1", 0), loop).result(5)
    server.loop = loop  # type: ignore[attr-defined]
    try:
        yield server
    finally:
        app.release.set()
        asyncio.run_coroutine_threadsafe(server.close(2), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


def on_loop(server: FrontServer, fn: Callable[[], Any]) -> Any:
    async def call():
        return fn()
    return asyncio.run_coroutine_threadsafe(call(), server.loop).result(5)  # type: ignore[attr-defined]


def connect(server: FrontServer) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    return sock


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One whole response (Content-Length framed), or what arrived before the server closed."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a response: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body


def exchange(server: FrontServer, raw: bytes) -> tuple[int, dict[str, str], dict[str, Any]]:
    with connect(server) as sock:
        sock.sendall(raw)
        status, headers, body = read_response(sock)
        return status, headers, json.loads(body)


def post(path: str, body: bytes, *extra: str) -> bytes:
    head = [f"POST {path} HTTP/1.1", "Host: t", "Content-Type: application/json",
            f"Content-Length: {len(body)}", *extra]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def chunked(body: bytes, size: int = 65536) -> bytes:
    out = b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n" \
          b"Transfer-Encoding: chunked\r\n\r\n"
    for start in range(0, len(body), size):
        piece = body[start:start + size]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    return out + b"0\r\n\r\n"


def assert_closed(sock: socket.socket) -> None:
    sock.settimeout(10)
    assert sock.recv(1) == b""


def test_two_requests_share_one_connection():
    app = App()
    with serving(app) as server, connect(server) as sock:
        for size in (10, 2000):
            sock.sendall(post("/echo", b"x" * size))
            status, _, body = read_response(sock)
            assert (status, json.loads(body)) == (200, {"length": size})
    assert [seen["length"] for seen in app.seen] == [10, 2000]


@pytest.mark.parametrize("use_tls", [False, True])
def test_answers_are_not_held_back_by_nagle(tmp_path, use_tls):
    """Every connection sends its writes at once (TCP_NODELAY): a head and a body written
    separately would otherwise wait for the client's delayed acknowledgement."""
    app = App()
    server_tls, client_tls = tls_contexts(CertificateAuthority("test-ca"), tmp_path)
    with serving(app, tls=server_tls if use_tls else None) as server, connect(server) as plain:
        sock = client_tls.wrap_socket(plain, server_hostname="localhost") if use_tls else plain
        sock.sendall(post("/echo", b"{}"))
        assert read_response(sock)[0] == 200
        delays = on_loop(server, lambda: [c.transport.get_extra_info("socket").getsockopt(
            socket.IPPROTO_TCP, socket.TCP_NODELAY) for c in server.connections])
    assert len(delays) == 1 and all(delays)


def test_a_chunked_body_over_the_limit_is_refused_before_the_app_sees_it():
    app = App()
    with serving(app, max_body_bytes=1024 * 1024) as server:
        status, _, body = exchange(server, chunked(b"{" + b" " * (1024 * 1024 + 4000)))
        ok_status, _, _ = exchange(server, chunked(b" " * (1024 * 1024)))
    assert (status, body["code"]) == (413, "REQUEST_TOO_LARGE")
    assert "1048576 bytes" in body["message"]
    assert ok_status == 200
    assert [seen["length"] for seen in app.seen] == [1024 * 1024]  # only the one within the limit


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_sent():
    app = App()
    with serving(app, max_body_bytes=4096) as server, connect(server) as sock:
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n")
        status, headers, body = read_response(sock)
        assert (status, json.loads(body)["code"]) == (413, "REQUEST_TOO_LARGE")
        assert headers["content-type"] == "application/json"
        assert_closed(sock)
    assert app.seen == []


@pytest.mark.parametrize("raw, status, code", [
    (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: t\r\n\r\n", 414, "URI_TOO_LONG"),
    (b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"b" * 20000 + b"\r\n\r\n", 431, "HEADERS_TOO_LARGE"),
    (b"GET / HTTP/1.1\r\nHost: t\r\nbad header line\r\n\r\n", 400, "MALFORMED_REQUEST"),
    (b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
     400, "MALFORMED_REQUEST"),
])
def test_the_servers_own_refusals_are_json(raw, status, code):
    app = App()
    with serving(app) as server:
        got_status, headers, body = exchange(server, raw)
    assert (got_status, body["code"]) == (status, code)
    assert headers["content-type"] == "application/json"
    assert app.seen == []


def test_an_answer_http_cannot_carry_becomes_a_500_not_a_hang():
    app = App()
    with serving(app) as server, connect(server) as sock:
        sock.sendall(b"GET /unsendable HTTP/1.1\r\nHost: t\r\n\r\n")
        status, _, body = read_response(sock)
        assert (status, json.loads(body)["code"]) == (500, "INTERNAL")
        sock.sendall(post("/echo", b"{}"))  # and the connection carries on
        assert read_response(sock)[0] == 200


def test_a_slow_request_gets_408_and_the_connection_ends():
    app = App()
    with serving(app, request_seconds=0.3) as server, connect(server) as sock:
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
        status, _, body = read_response(sock)
        assert (status, json.loads(body)["code"]) == (408, "REQUEST_TIMEOUT")
        assert_closed(sock)
    assert app.seen == []


def test_idle_connections_hold_no_thread_and_are_closed_after_their_timeout():
    app = App()
    with serving(app, threads=2, idle_seconds=30) as server:
        idle = [connect(server) for _ in range(300)]
        try:
            half_sent = idle[:100]
            for sock in half_sent:
                sock.sendall(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Len")
            status, _, body = exchange(server, post("/echo", b"{}"))
            held = on_loop(server, lambda: len(server.connections))
        finally:
            for sock in idle:
                sock.close()
    assert (status, body) == (200, {"length": 2})
    assert held >= 300  # the 300 idle and half-sent ones were open while the request was served


def test_an_idle_connection_is_closed_after_idle_seconds():
    app = App()
    with serving(app, idle_seconds=0.2) as server, connect(server) as sock:
        assert_closed(sock)


def test_a_full_pool_answers_503_with_retry_after():
    app = App()
    with serving(app, threads=1, max_queued=0, retry_after_seconds=3) as server:
        holder = connect(server)
        holder.sendall(b"GET /hold HTTP/1.1\r\nHost: t\r\n\r\n")
        assert app.holding.wait(5)
        status, headers, body = exchange(server, post("/echo", b"{}"))
        app.release.set()
        held_status, _, _ = read_response(holder)
        holder.close()
        after, _, _ = exchange(server, post("/echo", b"{}"))
    assert (status, body["code"], headers["retry-after"]) == (503, "OVERLOADED", "3")
    assert (held_status, after) == (200, 200)


def test_at_the_connection_limit_the_longest_idle_connection_makes_room():
    app = App()
    with serving(app, max_connections=3) as server:
        first, second, third = connect(server), connect(server), connect(server)
        on_loop(server, lambda: None)
        status, _, _ = exchange(server, post("/echo", b"{}"))
        assert status == 200
        assert_closed(first)
        for sock in (first, second, third):
            sock.close()


def test_at_the_connection_limit_with_no_idle_connection_new_ones_get_503():
    app = App()
    with serving(app, max_connections=1) as server, connect(server) as holder:
        holder.sendall(b"GET /hold HTTP/1.1\r\nHost: t\r\n\r\n")
        assert app.holding.wait(5)
        status, headers, body = exchange(server, post("/echo", b"{}"))
        app.release.set()
        assert read_response(holder)[0] == 200
    assert (status, body["code"], headers["retry-after"]) == (503, "OVERLOADED", "1")


def test_a_stream_holds_no_thread():
    app = App()
    with serving(app, threads=1) as server, connect(server) as streaming:
        streaming.sendall(b"GET /stream HTTP/1.1\r\nHost: t\r\n\r\n")
        assert app.stream_open.wait(5)
        status, _, body = exchange(server, post("/echo", b"[]"))  # the one thread is free
        app.release.set()
        received = b""
        while not received.endswith(b"0\r\n\r\n"):
            received += streaming.recv(65536)
    assert (status, body) == (200, {"length": 2})
    assert b"first\n" in received and b"last\n" in received
    assert b"transfer-encoding: chunked" in received.lower()


def test_a_client_that_leaves_ends_its_stream_before_anything_is_written():
    app = App()
    with serving(app) as server:
        with connect(server) as streaming:
            streaming.sendall(b"GET /stream HTTP/1.1\r\nHost: t\r\n\r\n")
            assert app.stream_open.wait(5)
        # Seen by reading, not by a failed write: the stream writes nothing until it is released.
        assert app.stream_ended.wait(5)
        assert not app.release.is_set()


def test_a_client_that_sends_during_a_stream_is_disconnected():
    app = App()
    with serving(app) as server, connect(server) as streaming:
        streaming.sendall(b"GET /stream HTTP/1.1\r\nHost: t\r\n\r\n")
        assert app.stream_open.wait(5)
        streaming.sendall(b"GET /stream HTTP/1.1\r\nHost: t\r\n\r\n")
        streaming.settimeout(10)
        while streaming.recv(65536):  # the stream's head and first chunk, then the close
            pass
        assert app.stream_ended.wait(5)
        assert not app.release.is_set()


def tls_contexts(ca: CertificateAuthority, tmp_path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    cert, key = ca.server()
    (tmp_path / "s.crt").write_bytes(cert)
    (tmp_path / "s.key").write_bytes(key)
    (tmp_path / "ca.crt").write_bytes(ca.cert_pem)
    client_cert, client_key = ca.client()
    (tmp_path / "c.crt").write_bytes(client_cert)
    (tmp_path / "c.key").write_bytes(client_key)
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(tmp_path / "s.crt", tmp_path / "s.key")
    server.load_verify_locations(tmp_path / "ca.crt")
    server.verify_mode = ssl.CERT_OPTIONAL
    client = ssl.create_default_context(cafile=tmp_path / "ca.crt")
    client.load_cert_chain(tmp_path / "c.crt", tmp_path / "c.key")
    return server, client


def test_a_client_certificate_reaches_the_app(tmp_path):
    app = App()
    server_tls, client_tls = tls_contexts(CertificateAuthority("test-ca"), tmp_path)
    with serving(app, tls=server_tls) as server:
        with client_tls.wrap_socket(connect(server), server_hostname="localhost") as sock:
            sock.sendall(post("/echo", b"{}"))
            assert read_response(sock)[0] == 200
    assert "BEGIN CERTIFICATE" in app.seen[0]["cert"]


def test_a_tls_handshake_that_never_comes_is_cut_off(tmp_path):
    app = App()
    server_tls, _ = tls_contexts(CertificateAuthority("test-ca"), tmp_path)
    with serving(app, tls=server_tls, handshake_seconds=0.3) as server, connect(server) as sock:
        assert_closed(sock)
