"""The chaincode-as-a-service gRPC server: the peer dials us and opens `Chaincode/Connect`."""
from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import grpc
from fabric_protos.peer import chaincode_shim_pb2_grpc as rpc

from .connection import Connection
from .errors import PeerError
from .interface import ChaincodeInterface
from .outbox import Outbox

log = logging.getLogger(__name__)

MAX_MESSAGE_SIZE = 100 * 1024 * 1024  # Fabric's limit, both directions

_OPTIONS = [
    ("grpc.max_send_message_length", MAX_MESSAGE_SIZE),
    ("grpc.max_receive_message_length", MAX_MESSAGE_SIZE),
    # Like Fabric's Go shim server: ping idle peers every minute, tolerate the peer's pings.
    ("grpc.keepalive_time_ms", 60_000),
    ("grpc.keepalive_timeout_ms", 20_000),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
]


@dataclass(frozen=True)
class TlsConfig:
    """Server certificate and key (PEM); with `client_ca`, peers must present a cert it signed."""

    cert: bytes
    key: bytes
    client_ca: bytes | None = None

    @classmethod
    def from_files(
        cls, cert: str | Path, key: str | Path, client_ca: str | Path | None = None
    ) -> "TlsConfig":
        return cls(
            Path(cert).read_bytes(),
            Path(key).read_bytes(),
            Path(client_ca).read_bytes() if client_ca else None,
        )

    def credentials(self) -> grpc.ServerCredentials:
        return grpc.ssl_server_credentials(
            [(self.key, self.cert)],
            root_certificates=self.client_ca,
            require_client_auth=self.client_ca is not None,
        )


class _Servicer(rpc.ChaincodeServicer):
    def __init__(self, chaincode: ChaincodeInterface, chaincode_id: str):
        self._chaincode = chaincode
        self._chaincode_id = chaincode_id

    async def Connect(self, request_iterator, context):  # noqa: N802 (gRPC's name)
        log.info("peer connected", extra={"peer": context.peer()})
        outbox = Outbox()
        connection = Connection(self._chaincode, self._chaincode_id, outbox.put)
        writer = asyncio.create_task(outbox.write_to(context))
        connection.start()
        try:
            while (message := await context.read()) is not grpc.aio.EOF:
                connection.handle(message)
        except PeerError as exc:
            log.warning("peer broke the chaincode protocol", extra={"reason": str(exc)})
        finally:
            connection.close()
            writer.cancel()
        log.info("peer disconnected", extra={"peer": context.peer()})


class ChaincodeServer:
    """A started server; `port` is the bound port (useful with address "127.0.0.1:0").

    gRPC runs on an asyncio loop in a thread of its own, and every transaction in a greenlet on
    that loop (see connection.py); `serve()` and `stop()` are plain calls.
    """

    def __init__(
        self, chaincode: ChaincodeInterface, address: str, chaincode_id: str, tls: TlsConfig | None
    ) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="grpc", daemon=True)
        self._thread.start()
        servicer = _Servicer(chaincode, chaincode_id)
        try:
            self._server, self.port = self._run(_start(servicer, address, tls))
        except BaseException:
            self._shutdown_loop()
            raise
        log.info("chaincode server listening", extra={"address": address, "port": self.port})

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def stop(self, grace: float | None = 5.0) -> None:
        """Stops accepting streams and ends open ones after `grace` seconds."""
        if self._loop.is_closed():
            return
        self._run(self._server.stop(grace))
        self._shutdown_loop()

    def _shutdown_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def __enter__(self) -> "ChaincodeServer":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop(grace=None)


async def _start(servicer: _Servicer, address: str, tls: TlsConfig | None):
    server = grpc.aio.server(options=_OPTIONS)
    rpc.add_ChaincodeServicer_to_server(servicer, server)
    try:
        if tls is None:
            port = server.add_insecure_port(address)
        else:
            port = server.add_secure_port(address, tls.credentials())
    except RuntimeError as exc:
        raise OSError(f"cannot listen on {address}: {exc}") from None
    if port == 0:
        raise OSError(f"cannot listen on {address}")
    await server.start()
    return server, port


def serve(
    chaincode: ChaincodeInterface, address: str, chaincode_id: str, tls: TlsConfig | None = None
) -> ChaincodeServer:
    """Starts serving `chaincode` as package `chaincode_id` on `address`; returns the server."""
    return ChaincodeServer(chaincode, address, chaincode_id, tls)
