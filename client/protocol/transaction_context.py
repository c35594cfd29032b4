"""Transaction ids and the headers that bind a message to its creator."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from fabric_protos.common import common_pb2
from google.protobuf import timestamp_pb2

NONCE_BYTES = 24


def transaction_id(nonce: bytes, creator: bytes) -> str:
    """Fabric's rule: hex(SHA-256(nonce ‖ serialized creator)); peers recompute and compare it."""
    return hashlib.sha256(nonce + creator).hexdigest()


@dataclass(frozen=True)
class TransactionContext:
    """A fresh nonce with the transaction id and signature header derived from it."""

    creator: bytes
    nonce: bytes
    transaction_id: str

    @classmethod
    def new(cls, creator: bytes) -> TransactionContext:
        nonce = os.urandom(NONCE_BYTES)
        return cls(creator, nonce, transaction_id(nonce, creator))

    def signature_header(self) -> bytes:
        return common_pb2.SignatureHeader(creator=self.creator, nonce=self.nonce).SerializeToString()


def channel_header(header_type: int, channel: str, tx_id: str = "", extension: bytes = b"",
                   tls_cert_hash: bytes = b"") -> bytes:
    timestamp = timestamp_pb2.Timestamp()
    timestamp.GetCurrentTime()
    return common_pb2.ChannelHeader(
        type=header_type, channel_id=channel, tx_id=tx_id, timestamp=timestamp, epoch=0,
        extension=extension, tls_cert_hash=tls_cert_hash,
    ).SerializeToString()
