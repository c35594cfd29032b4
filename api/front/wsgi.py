"""One whole request through the WSGI app, in a pool thread: the environ in, status, headers and
the collected body (or an `AsyncBody` for the loop to write) out."""
from __future__ import annotations

import io
import logging
import ssl
import sys
from dataclasses import dataclass
from typing import Any, Callable, Iterable
from urllib.parse import unquote_to_bytes

from .streaming import AsyncBody

log = logging.getLogger("grootboek.api.front")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class Peer:
    """What the connection knows about its client."""

    address: tuple[str, int]
    server: tuple[str, int]
    tls: bool
    certificate_der: bytes | None


@dataclass
class Reply:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: list[bytes] | AsyncBody


def environ(method: bytes, target: bytes, headers: list[tuple[bytes, bytes]], body: bytes,
            http_version: bytes, peer: Peer) -> dict[str, Any]:
    path, _, query = target.partition(b"?")
    env: dict[str, Any] = {
        "REQUEST_METHOD": method.decode("ascii"),
        "SCRIPT_NAME": "",
        # PEP 3333: the decoded path as latin-1 characters, one per byte.
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query.decode("latin-1"),
        "SERVER_NAME": peer.server[0],
        "SERVER_PORT": str(peer.server[1]),
        "SERVER_PROTOCOL": "HTTP/" + http_version.decode("ascii"),
        "REMOTE_ADDR": peer.address[0],
        "REMOTE_PORT": str(peer.address[1]),
        # The body is complete, whatever its framing was: its real length is the one to trust.
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https" if peer.tls else "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in headers:
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        if name in ("CONTENT_LENGTH", "TRANSFER_ENCODING"):
            continue
        key = name if name == "CONTENT_TYPE" else "HTTP_" + name
        env[key] = env[key] + "," + value if key in env else value
    if peer.certificate_der is not None:
        env["SSL_CLIENT_CERT"] = ssl.DER_cert_to_PEM_cert(peer.certificate_der)
    return env


def call(app: WsgiApp, env: dict[str, Any]) -> Reply:
    """Runs the app to the end of its body, unless the body is an `AsyncBody`."""
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        if exc_info is not None and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [status, headers]
        return _no_write

    result = app(env, start_response)
    if isinstance(result, AsyncBody):
        return Reply(*_status(started), list(started[1]), result)
    try:
        chunks = [bytes(chunk) for chunk in result if chunk]
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return Reply(*_status(started), list(started[1]), chunks)


def _status(started: list[Any]) -> tuple[int, str]:
    if not started:
        raise RuntimeError("the WSGI app returned without calling start_response")
    code, _, reason = started[0].partition(" ")
    return int(code), reason


def _no_write(data: bytes) -> None:
    raise RuntimeError("the WSGI write() callable is not supported; return the body instead")
