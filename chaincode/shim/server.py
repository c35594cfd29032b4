"""The chaincode-as-a-service gRPC server: the peer dials us and opens `Chaincode/Connect`."""
from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import grpc
from fabric_protos.peer import chaincode_shim_pb2_grpc as rpc

from .connection import Chaincode, Connection

log = logging.getLogger(__name__)

MAX_MESSAGE_SIZE = 100 * 1024 * 1024  # Fabric's limit, both directions
# Each peer stream holds one gRPC thread for its lifetime; a chaincode serves a few peers.
MAX_STREAMS = 64
# Transactions run on their own threads. A cap far above any useful concurrency: a lower one
# could deadlock chaincode-to-chaincode calls that come back to this process.
MAX_TRANSACTION_THREADS = 1024

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
    def __init__(self, chaincode: Chaincode, chaincode_id: str, workers: ThreadPoolExecutor):
        self._chaincode = chaincode
        self._chaincode_id = chaincode_id
        self._workers = workers

    def Connect(self, request_iterator, context):  # noqa: N802 (gRPC's name)
        log.info("peer connected", extra={"peer": context.peer()})
        connection = Connection(self._chaincode, self._chaincode_id, self._workers)
        threading.Thread(
            target=connection.pump, args=(request_iterator,), name="peer-reader", daemon=True
        ).start()
        return connection.outgoing()


class ChaincodeServer:
    """A started server; `port` is the bound port (useful with address "127.0.0.1:0")."""

    def __init__(
        self, chaincode: Chaincode, address: str, chaincode_id: str, tls: TlsConfig | None
    ) -> None:
        self._workers = ThreadPoolExecutor(MAX_TRANSACTION_THREADS, thread_name_prefix="tx")
        self._server = grpc.server(
            ThreadPoolExecutor(MAX_STREAMS, thread_name_prefix="stream"), options=_OPTIONS
        )
        rpc.add_ChaincodeServicer_to_server(
            _Servicer(chaincode, chaincode_id, self._workers), self._server
        )
        if tls is None:
            self.port = self._server.add_insecure_port(address)
        else:
            self.port = self._server.add_secure_port(address, tls.credentials())
        if self.port == 0:
            raise OSError(f"cannot listen on {address}")
        self._server.start()
        log.info("chaincode server listening", extra={"address": address, "port": self.port})

    def stop(self, grace: float | None = 5.0) -> None:
        """Stops accepting streams, ends open ones after `grace` seconds, then the workers."""
        self._server.stop(grace).wait()
        self._workers.shutdown(wait=True, cancel_futures=True)

    def wait(self) -> None:
        self._server.wait_for_termination()

    def __enter__(self) -> "ChaincodeServer":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop(grace=None)


def serve(
    chaincode: Chaincode, address: str, chaincode_id: str, tls: TlsConfig | None = None
) -> ChaincodeServer:
    """Starts serving `chaincode` as package `chaincode_id` on `address`; returns the server."""
    return ChaincodeServer(chaincode, address, chaincode_id, tls)
