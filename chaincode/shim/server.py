"""The chaincode-as-a-service gRPC server: the peer dials us and opens `Chaincode/Connect`."""
from __future__ import annotations

import asyncio
import logging
import ssl
import tempfile
import threading
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from fabric_protos.peer.chaincode_shim_pb2 import ChaincodeMessage as Message
from google.protobuf.message import DecodeError

from . import http2
from .connection import DEFAULT_TX_DEADLINE, Connection
from .errors import PeerError
from .interface import ChaincodeInterface

log = logging.getLogger(__name__)

MAX_MESSAGE_SIZE = 100 * 1024 * 1024  # Fabric's limit, both directions: what a peer accepts from us
_CONNECT = "/protos.Chaincode/Connect"


@dataclass(frozen=True)
class TlsConfig:
    """Server certificate and key (PEM); with `client_ca`, peers must present a cert it signed.

    Every member of an organisation has a certificate of its TLS CA, so with `peer_names` a client
    is admitted only if its certificate names one of them (common name or DNS name): the
    organisation's peers, not its users.
    """

    cert: bytes
    key: bytes
    client_ca: bytes | None = None
    peer_names: frozenset[str] = frozenset()

    @classmethod
    def from_files(
        cls,
        cert: str | Path,
        key: str | Path,
        client_ca: str | Path | None = None,
        peer_names: frozenset[str] = frozenset(),
    ) -> "TlsConfig":
        return cls(
            Path(cert).read_bytes(),
            Path(key).read_bytes(),
            Path(client_ca).read_bytes() if client_ca else None,
            peer_names,
        )

    def ssl_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2  # HTTP/2 needs 1.2 or later
        context.options |= ssl.OP_NO_COMPRESSION | ssl.OP_NO_RENEGOTIATION
        with tempfile.TemporaryDirectory() as directory:  # ssl loads a key only from a file
            cert, key = Path(directory, "cert.pem"), Path(directory, "key.pem")
            cert.write_bytes(self.cert)
            key.write_bytes(self.key)
            context.load_cert_chain(cert, key)
        if self.client_ca is not None:
            context.load_verify_locations(cadata=self.client_ca.decode())
            context.verify_mode = ssl.CERT_REQUIRED
        context.set_alpn_protocols(["h2"])  # gRPC clients insist on it
        return context

    def admission(self) -> http2.Admission | None:
        """The check of a client's certificate after the handshake, if there is one to make."""
        if self.client_ca is None:
            return None
        if not self.peer_names:
            log.warning("no peer names: any certificate of the client CA is taken for a peer")
            return None
        return partial(_admit_peer, self.peer_names)


def _admit_peer(peer_names: frozenset[str], cert: dict | None) -> str | None:
    if not cert:
        return "no client certificate"
    common = [value for field in cert.get("subject", ()) for key, value in field if key == "commonName"]
    dns = [value for kind, value in cert.get("subjectAltName", ()) if kind == "DNS"]
    if peer_names.intersection(common) or peer_names.intersection(dns):
        return None
    return f"client certificate {', '.join(common) or '(no common name)'} is not one of the peers"


class _PeerStream:
    """The peer's `Chaincode/Connect` stream, handed to a Connection (see connection.py)."""

    def __init__(self, stream: http2.Stream, chaincode: ChaincodeInterface, chaincode_id: str,
                 tx_deadline: float) -> None:
        self._connection = Connection(
            chaincode, chaincode_id, lambda message: stream.send(message.SerializeToString()),
            tx_deadline,
        )
        log.info("peer connected")
        self._connection.start()

    @property
    def busy(self) -> bool:
        return self._connection.busy

    def message(self, data: bytes) -> None:
        try:
            message = Message.FromString(data)
        except DecodeError:
            raise http2.StreamError(http2.INTERNAL, "not a ChaincodeMessage") from None
        try:
            self._connection.handle(message)
        except PeerError as exc:
            reason = f"peer broke the chaincode protocol: {exc}"
            raise http2.StreamError(http2.INTERNAL, reason) from None

    def closed(self) -> None:
        self._connection.close()
        log.info("peer disconnected")


class ChaincodeServer:
    """A started server; `port` is the bound port (useful with address "127.0.0.1:0").

    The server runs on an asyncio loop in a thread of its own, and every transaction in a greenlet
    on that loop (see connection.py and http2.py); `serve()` and `stop()` are plain calls.
    """

    def __init__(
        self,
        chaincode: ChaincodeInterface,
        address: str,
        chaincode_id: str,
        tls: TlsConfig | None,
        limits: http2.Limits,
        tx_deadline: float,
    ) -> None:
        host, port = _split(address)
        methods = {_CONNECT: lambda stream: _PeerStream(stream, chaincode, chaincode_id, tx_deadline)}
        self._connections: set[http2.ServerConnection] = set()
        complaints = http2.Complaints(log)
        admit = tls.admission() if tls is not None else None

        def connection() -> http2.ServerConnection:
            return http2.ServerConnection(methods, limits, self._connections, complaints, admit)

        ssl_context = tls.ssl_context() if tls is not None else None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="chaincode-server", daemon=True
        )
        self._thread.start()
        try:
            self._server = self._run(
                self._loop.create_server(connection, host, port, ssl=ssl_context, reuse_address=True)
            )
        except OSError as exc:
            self._shutdown_loop()
            raise OSError(f"cannot listen on {address}: {exc.strerror or exc}") from None
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("chaincode server listening", extra={"address": address, "port": self.port})

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def stop(self, grace: float | None = 5.0) -> None:
        """Stops accepting connections, lets running transactions finish for up to `grace`
        seconds, then ends every stream."""
        if self._loop.is_closed():
            return
        self._run(self._stop(grace))
        self._shutdown_loop()

    async def _stop(self, grace: float | None) -> None:
        self._server.close()
        await asyncio.gather(*(connection.shut_down(grace) for connection in list(self._connections)))

    def _shutdown_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def __enter__(self) -> "ChaincodeServer":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop(grace=None)


def _split(address: str) -> tuple[str | None, int]:
    host, separator, port = address.rpartition(":")
    if not separator or not port.isdigit():
        raise ValueError(f"expected host:port, got {address!r}")
    host = host.strip("[]")
    return (host or None), int(port)


def serve(
    chaincode: ChaincodeInterface,
    address: str,
    chaincode_id: str,
    tls: TlsConfig | None = None,
    limits: http2.Limits = http2.Limits(),
    tx_deadline: float = DEFAULT_TX_DEADLINE,
) -> ChaincodeServer:
    """Starts serving `chaincode` as package `chaincode_id` on `address`; returns the server.
    A transaction still running after `tx_deadline` seconds fails at its next request to the peer."""
    return ChaincodeServer(chaincode, address, chaincode_id, tls, limits, tx_deadline)
