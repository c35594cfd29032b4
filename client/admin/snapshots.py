"""A peer's ledger snapshots (its Snapshot service), asked as the peer organisation's admin: a
request to snapshot a channel at a block, the requests still pending, and the cscc calls that join
another peer of the organisation from a snapshot instead of from the genesis block.

A snapshot lands in the peer's `ledger.snapshots.rootDir`, under completed/<channel>/<block>/, once
the peer has committed that block. It holds the channel's state, not its blocks, and no private
data.
"""
from __future__ import annotations

import os

import grpc
from fabric_protos.common import common_pb2
from fabric_protos.peer import query_pb2, snapshot_pb2, snapshot_pb2_grpc

from ..identity import SigningIdentity
from ..protocol.transaction_context import NONCE_BYTES
from .invocation import Invocation


def _signed(signing: SigningIdentity, message) -> snapshot_pb2.SignedSnapshotRequest:
    request = message.SerializeToString()
    return snapshot_pb2.SignedSnapshotRequest(request=request, signature=signing.sign(request))


def _header(signing: SigningIdentity) -> common_pb2.SignatureHeader:
    return common_pb2.SignatureHeader(creator=signing.creator, nonce=os.urandom(NONCE_BYTES))


class Snapshots:
    """One peer's Snapshot service."""

    def __init__(self, channel: grpc.Channel, signing: SigningIdentity) -> None:
        self._stub = snapshot_pb2_grpc.SnapshotStub(channel)
        self._signing = signing

    def generate(self, channel: str, block_number: int = 0, timeout: float = 30.0) -> None:
        """Asks for a snapshot at `block_number` (0: the last block committed when the request arrives)."""
        request = snapshot_pb2.SnapshotRequest(signature_header=_header(self._signing), channel_id=channel,
                                               block_number=block_number)
        self._stub.Generate(_signed(self._signing, request), timeout=timeout)

    def pending(self, channel: str, timeout: float = 30.0) -> list[int]:
        """The block numbers of the requests not yet done."""
        query = snapshot_pb2.SnapshotQuery(signature_header=_header(self._signing), channel_id=channel)
        return list(self._stub.QueryPendings(_signed(self._signing, query), timeout=timeout).block_numbers)


def join_by_snapshot(snapshot_dir: str) -> Invocation:
    """Joins the peer to the channel of the snapshot in `snapshot_dir` (a path on the peer's own
    host); the peer then pulls only the blocks after it."""
    return Invocation.of("cscc", "JoinChainBySnapshot", snapshot_dir)


def join_by_snapshot_status() -> Invocation[query_pb2.JoinBySnapshotStatus]:
    """Whether a join by snapshot is still building its channel's ledger, and from which directory."""
    return Invocation.of("cscc", "JoinBySnapshotStatus", result_type=query_pb2.JoinBySnapshotStatus)
