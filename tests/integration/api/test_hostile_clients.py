"""A real gateway against clients that hold connections or send too much: nothing they send is
processed unless it is whole and within the limits, and other clients are served meanwhile."""
from __future__ import annotations

import secrets
import socket
import ssl
from urllib.parse import urlsplit

LIMIT = 1024 * 1024  # the default max_body_bytes `up` configures


def _address(gateway) -> tuple[str, int]:
    parts = urlsplit(gateway.base_url)
    return parts.hostname, parts.port


def test_a_chunked_scheme_over_the_limit_is_refused_and_not_created(gateways):
    officer = gateways["Municipality"].client("officer")
    scheme = f"big-{secrets.token_hex(4)}"
    # Valid JSON within the first MiB, as in the report that found a scheme committed from a cut body.
    head = f'{{"id": "{scheme}", "terms": {{"name": "'.encode()
    body = head + b"x" * (LIMIT + 30_000) + b'"}}'

    def chunks():
        for start in range(0, len(body), 64 * 1024):
            yield body[start:start + 64 * 1024]

    refused = officer.post("/v1/budgets/schemes", data=chunks(),
                           headers={"Content-Type": "application/json"})
    assert refused.status_code == 413, refused.text
    assert refused.json()["code"] == "REQUEST_TOO_LARGE"
    assert officer.get(f"/v1/budgets/schemes/{scheme}").status_code == 404


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
