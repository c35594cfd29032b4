"""Ledger snapshots of a member's channels: taken on one of its peers at a block, and a peer with an
empty ledger (a new peer, or one whose disk was lost) joined from one instead of replaying every
block before it.

A snapshot holds the channel's public state and configuration at its block, not the blocks before
it and no private data: a peer joined from one cannot serve earlier blocks, and the private data
only its organisation held (the municipality's personal records) must come back from a backup
(`grootboek backup`) or from another peer of the organisation that still has it. A snapshot is
written on the peer's own host (its ledger's snapshots/completed/<channel>/<block>/); a new peer on
another host needs the directory copied there first.
"""
from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import grpc

from grootboek.client.admin.snapshots import Snapshots, join_by_snapshot, join_by_snapshot_status
from grootboek.network.admin.peer_admin import PeerAdmin
from grootboek.network.config.layout import Peer
from grootboek.network.nodes import supervisor
from grootboek.network.nodes.network import Network
from grootboek.network.nodes.readiness import wait_for

SIGNABLE_METADATA = "_snapshot_signable_metadata.json"  # Fabric's: the files and their hashes


class SnapshotError(RuntimeError):
    """An operator-facing failure: says what is wrong and what to do next."""


@dataclass(frozen=True)
class Snapshot:
    channel: str
    block: int
    path: Path

    @property
    def sha256(self) -> str:
        """Of the snapshot's signable metadata, which lists every file with its hash: what
        members compare before trusting a snapshot another member made."""
        return hashlib.sha256((self.path / SIGNABLE_METADATA).read_bytes()).hexdigest()


def completed(network: Network, peer: Peer, channel: str) -> dict[int, Path]:
    """The peer's completed snapshots of `channel` by block number."""
    root = network.layout.node_dir(peer.id) / "data" / "snapshots" / "completed" / channel
    found = {}
    for path in root.glob("*"):
        if path.name.isdigit() and (path / SIGNABLE_METADATA).exists():
            found[int(path.name)] = path
    return found


def take(network: Network, peer: Peer, channel: str, block: int = 0, timeout: float = 300.0) -> Snapshot:
    """Asks the peer for a snapshot at `block` (0: the last it committed) and waits until it is
    written (a block ahead of the peer's height is waited for too)."""
    before = set(completed(network, peer, channel))
    with PeerAdmin(network.layout, peer) as admin:
        snapshots = Snapshots(admin.connection, admin.signing)
        try:
            snapshots.generate(channel, block)
        except grpc.RpcError as exc:
            raise SnapshotError(f"{peer.id} refused a snapshot of {channel}: {exc.details()}") from None
        wanted = (lambda: {block} & set(completed(network, peer, channel))) if block else \
            (lambda: set(completed(network, peer, channel)) - before)
        wait_for(lambda: not snapshots.pending(channel) and wanted(),
                 f"the snapshot of {channel} on {peer.id}", timeout=timeout, interval=0.5)
    number = block or max(set(completed(network, peer, channel)) - before)
    return Snapshot(channel, number, completed(network, peer, channel)[number])


def join(network: Network, peer: Peer, source: Path, timeout: float = 300.0) -> Snapshot:
    """Joins `peer` to the snapshot's channel from the snapshot directory `source` (copied beside
    the peer's ledger first, so the peer reads it on its own host), then lets `up` finish what a
    joined peer needs (its chaincodes installed)."""
    if not (source / SIGNABLE_METADATA).exists():
        raise SnapshotError(f"{source} is not a snapshot directory (no {SIGNABLE_METADATA})")
    channel, block = source.parent.name, int(source.name) if source.name.isdigit() else -1
    local = network.layout.node_dir(peer.id) / "data" / "snapshots" / "received" / channel / source.name
    if not local.exists():
        shutil.copytree(source, local)
    with PeerAdmin(network.layout, peer) as admin:
        if channel in admin.channels():
            raise SnapshotError(f"{peer.id} has channel {channel} already: a snapshot joins a peer without it")
        admin.query(join_by_snapshot(str(local)))
        wait_for(lambda: not admin.query(join_by_snapshot_status()).in_progress and channel in admin.channels(),
                 f"{peer.id} joined {channel} from the snapshot", timeout=timeout, interval=0.5)
    if supervisor.is_running(network.run_dir):
        network.converge()
    return Snapshot(channel, block, local)
