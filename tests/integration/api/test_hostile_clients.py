"""A real gateway against clients that hold connections or send too much: nothing they send is
processed unless it is whole and within the limits, and other clients are served meanwhile."""
from __future__ import annotations

import json
import re
import secrets
import socket
import ssl
from urllib.parse import urlsplit



def _body_limit(gateway) -> int:
    """The body limit as the gateway's OpenAPI document states it: what a client reads."""
    document = gateway.client().get("/openapi.json").json()
    limits = {operation["requestBody"]["x-max-body-bytes"] for item in document["paths"].values()
              for operation in item.values() if "requestBody" in operation}
    (limit,) = limits  # one gateway, one limit
    return limit


def _chunked(body: bytes):
    """The body as a generator, which requests sends chunked (no Content-Length to refuse early)."""
    for start in range(0, len(body), 64 * 1024):
        yield body[start:start + 64 * 1024]


def _address(gateway) -> tuple[str, int]:
    parts = urlsplit(gateway.base_url)
    return parts.hostname, parts.port


def test_a_chunked_scheme_over_the_limit_is_refused_and_not_created(gateways):
    officer = gateways["Municipality"].client("officer")
    scheme = f"big-{secrets.token_hex(4)}"
    # Valid JSON within the first MiB, as in the report that found a scheme committed from a cut body.
    head = f'{{"id": "{scheme}", "terms": {{"name": "'.encode()
    body = head + b"x" * (_body_limit(gateways["Municipality"]) + 30_000) + b'"}}'
    refused = officer.post("/v1/budgets/schemes", data=_chunked(body),
                           headers={"Content-Type": "application/json"})
    assert refused.status_code == 413, refused.text
    assert refused.json()["code"] == "REQUEST_TOO_LARGE"
    assert officer.get(f"/v1/budgets/schemes/{scheme}").status_code == 404


def test_the_body_limit_in_the_openapi_document_is_the_one_the_gateway_enforces(gateways):
    gateway = gateways["Municipality"]
    limit = _body_limit(gateway)
    officer = gateway.client("officer")
    # JSON the route refuses on its own (422), padded with whitespace to the exact size: at the
    # limit it reaches the route, one byte over it the front refuses it.
    head, tail = b'{"id": "not an id!"', b"}"

    def body(size: int) -> bytes:
        padded = head + b" " * (size - len(head) - len(tail)) + tail
        assert len(padded) == size
        return padded

    for data in (body(limit), _chunked(body(limit))):
        answer = officer.post("/v1/budgets/schemes", data=data, headers={"Content-Type": "application/json"})
        assert (answer.status_code, answer.json()["code"]) == (422, "VALIDATION_ERROR"), answer.text
    refused = officer.post("/v1/budgets/schemes", data=_chunked(body(limit + 1)),
                           headers={"Content-Type": "application/json"})
    assert (refused.status_code, refused.json()["code"]) == (413, "REQUEST_TOO_LARGE"), refused.text
    # A declared length over the limit is refused from the head alone, so a client that asks
    # first (Expect: 100-continue) gets the 413 instead of a go-ahead and sends nothing.
    status, answer = _ask_to_send(gateway, limit + 1)
    assert (status, json.loads(answer)["code"]) == (413, "REQUEST_TOO_LARGE")
    assert _ask_to_send(gateway, limit)[0] == 100


def _ask_to_send(gateway, length: int) -> tuple[int, bytes]:
    """POSTs a scheme's head declaring `length` bytes with Expect: 100-continue; the first answer's
    status and (for a final answer) body."""
    host, port = _address(gateway)
    context = ssl.create_default_context(cafile=str(gateway.ca_file))
    with context.wrap_socket(socket.create_connection((host, port), timeout=30), server_hostname=host) as sock:
        sock.sendall(f"POST /v1/budgets/schemes HTTP/1.1\r\nHost: {host}\r\n"
                     f"Authorization: Bearer {gateway.tokens['officer']}\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {length}\r\nExpect: 100-continue\r\n\r\n".encode())
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            assert chunk, f"the gateway closed the connection after {received!r}"
            received += chunk
        head, _, rest = received.partition(b"\r\n\r\n")
        status = int(head.split()[1])
        if status == 100:
            return status, b""
        declared = int(re.search(rb"(?im)^content-length:\s*(\d+)", head).group(1))
        while len(rest) < declared:
            chunk = sock.recv(65536)
            assert chunk, "the gateway closed the connection inside its answer"
            rest += chunk
        return status, rest


def test_idle_and_half_open_connections_do_not_starve_the_gateway(gateways):
    gateway = gateways["Registry"]
    host, port = _address(gateway)
    context = ssl.create_default_context(cafile=str(gateway.ca_file))
    held: list[socket.socket] = []
    try:
        for _ in range(150):  # a completed TLS handshake, then silence
            held.append(context.wrap_socket(socket.create_connection((host, port), timeout=10),
                                            server_hostname=host))
        for _ in range(150):  # TCP only: a TLS handshake that never starts
            held.append(socket.create_connection((host, port), timeout=10))
        ready = gateway.client().get("/health/ready", timeout=10)
        me = gateway.client("registrar").get("/v1/me", timeout=10)
        # Each TLS-completed connection is still open: its server has not given up on it yet.
        for sock in held[:150]:
            sock.setblocking(False)
            try:
                assert sock.recv(1) != b""
            except (ssl.SSLWantReadError, BlockingIOError):
                pass
    finally:
        for sock in held:
            sock.close()
    assert ready.status_code == 200
    assert me.status_code == 200 and me.json()["name"] == "registrar"
