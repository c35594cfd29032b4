"""Where a peer or orderer listens and how to reach it securely.

grpc channels are not fork-safe: a pre-forking server must open channels in each worker
after the fork, never in the master.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Sequence
from urllib.parse import urlsplit

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import serialization

# Fabric's own limits on both sides (peer.yaml / orderer.yaml defaults).
MAX_MESSAGE_BYTES = 100 * 1024 * 1024

# Keepalive pings no more often than Fabric's server-side minimum (60 s), or peers send GOAWAY.
DEFAULT_CHANNEL_OPTIONS: tuple[tuple[str, int], ...] = (
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    ("grpc.keepalive_time_ms", 120_000),
    ("grpc.keepalive_timeout_ms", 20_000),
    # Reconnect to a restarted peer within about a second, not after gRPC's default backoff,
    # which grows to two minutes while a node is down. Not grpc.min_reconnect_backoff_ms: gRPC
    # core takes it as the least time a connection attempt (TCP, TLS, HTTP/2 settings) is given,
    # and at 100 ms a loaded machine's handshakes were cut short ("Handshaker shutdown").
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 1_000),
)


@dataclass(frozen=True)
class Endpoint:
    """A gRPC endpoint. Without `tls_root_certs` the connection is plaintext; with a client
    certificate and key it is mutual TLS."""

    address: str
    tls_root_certs: bytes | None = None
    server_name_override: str | None = None
    client_cert: bytes | None = None
    client_key: bytes | None = None

    def __post_init__(self) -> None:
        if (self.client_cert is None) != (self.client_key is None):
            raise ValueError("mutual TLS needs both client_cert and client_key")
        if self.client_cert is not None and self.tls_root_certs is None:
            raise ValueError("mutual TLS needs tls_root_certs")

    @classmethod
    def from_url(cls, url: str, tls_root_certs: bytes | None = None,
                 server_name_override: str | None = None, client_cert: bytes | None = None,
                 client_key: bytes | None = None) -> Endpoint:
        """Accepts `grpcs://host:port` (TLS, needs tls_root_certs), `grpc://host:port` or a bare
        `host:port` (plaintext)."""
        parts = urlsplit(url if "://" in url else f"grpc://{url}")
        if parts.scheme not in ("grpc", "grpcs") or not parts.hostname or not parts.port:
            raise ValueError(f"not a grpc(s)://host:port URL: {url!r}")
        if (parts.scheme == "grpcs") != (tls_root_certs is not None):
            raise ValueError(f"{url}: grpcs:// needs tls_root_certs, grpc:// must not have them")
        return cls(parts.netloc, tls_root_certs, server_name_override,
                   client_cert, client_key)

    @property
    def tls_client_certificate_hash(self) -> bytes:
        """SHA-256 of the client TLS certificate (DER): binds deliver requests to the mutual TLS
        session, which peers and orderers check when client authentication is required."""
        if self.client_cert is None:
            return b""
        der = x509.load_pem_x509_certificate(self.client_cert).public_bytes(
            serialization.Encoding.DER)
        return hashlib.sha256(der).digest()

    def open_channel(self, options: Sequence[tuple[str, object]] = ()) -> grpc.Channel:
        """A new grpc channel; the caller owns it and closes it."""
        merged = dict(DEFAULT_CHANNEL_OPTIONS)
        if self.server_name_override:
            merged["grpc.ssl_target_name_override"] = self.server_name_override
        merged.update(dict(options))
        items = list(merged.items())
        if self.tls_root_certs is None:
            return grpc.insecure_channel(self.address, options=items)
        credentials = grpc.ssl_channel_credentials(
            root_certificates=self.tls_root_certs,
            private_key=self.client_key,
            certificate_chain=self.client_cert,
        )
        return grpc.secure_channel(self.address, credentials, options=items)
