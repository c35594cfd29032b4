"""`grootboek snapshot take CHANNEL` and `grootboek snapshot join CHANNEL DIR --peer PEER`: a
channel's ledger snapshot on one of the member's peers, and a peer with an empty ledger joined from
one (network/admin/snapshots.py)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grootboek.network.admin import snapshots
from grootboek.network.cli.support import CommandError, command, emit, known, open_network
from grootboek.network.config.layout import Peer
from grootboek.network.nodes.network import Network


def _peer(network: Network, name: str | None, channel: str) -> Peer:
    """The peer named, else the first of this state's peers whose organisation is in the channel."""
    members = network.consortium.channel(channel).organizations
    peers = [p for p in network.peers if p.org.name in members]
    if name is None:
        if not peers:
            raise CommandError(f"no peer run here is in channel {channel}")
        return peers[0]
    chosen = [p for p in network.peers if name in (p.id, p.host)]
    if not chosen:
        raise CommandError(f"no peer {name!r} runs here (known: {', '.join(p.id for p in network.peers)})")
    return chosen[0]


def _result(snapshot: snapshots.Snapshot, as_json: bool) -> None:
    emit({"channel": snapshot.channel, "block": snapshot.block, "path": str(snapshot.path),
          "sha256": snapshot.sha256}, as_json)


def cmd_take(args: argparse.Namespace) -> None:
    network = open_network(args)
    known(network.consortium.channel, args.channel)
    peer = _peer(network, args.peer, args.channel)
    with network.progress.step(f"snapshot of {args.channel} on {peer.id}"):
        snapshot = snapshots.take(network, peer, args.channel, args.block)
    _result(snapshot, args.json)


def cmd_join(args: argparse.Namespace) -> None:
    network = open_network(args)
    known(network.consortium.channel, args.channel)
    if args.snapshot.parent.name != args.channel:
        raise CommandError(f"{args.snapshot} is not a snapshot of {args.channel} "
                           "(a snapshot directory is <channel>/<block>)")
    peer = _peer(network, args.peer, args.channel)
    with network.progress.step(f"joining {peer.id} to {args.channel} from {args.snapshot}"):
        snapshot = snapshots.join(network, peer, args.snapshot)
    _result(snapshot, args.json)
    print(f"{peer.id} serves {args.channel} from block {snapshot.block + 1} on; it has no earlier blocks and "
          "no private data from before the snapshot", file=sys.stderr)


def register(groups: argparse._SubParsersAction) -> None:
    group = groups.add_parser("snapshot", help="ledger snapshots: take one, join a peer from one")
    sub = group.add_subparsers(dest="command", required=True, metavar="COMMAND")
    take = sub.add_parser("take", help="a snapshot of a channel at a block on one of your peers; "
                                       "prints where it is and its sha256")
    take.add_argument("channel")
    take.add_argument("--block", type=int, default=0, help="block number (default: the last committed)")
    take.add_argument("--peer", help="default: your first peer in the channel")
    take.add_argument("--json", action="store_true")
    take.set_defaults(handler=command(cmd_take, next_step=None))
    join = sub.add_parser("join", help="join a peer with an empty ledger (new, or its disk lost) to a channel "
                                       "from a snapshot directory, instead of replaying every block")
    join.add_argument("channel")
    join.add_argument("snapshot", type=Path, help="the snapshot directory, .../<channel>/<block>")
    join.add_argument("--peer", required=True, help="the peer to join, e.g. peer1.municipality")
    join.add_argument("--json", action="store_true")
    join.set_defaults(handler=command(cmd_join, next_step=None))
