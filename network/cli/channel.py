"""`grootboek channel ...`: create, list, show, config, anchor-peers, batch, config updates
signed offline (update show / sign / submit), and for members running their own organisations
genesis (the creator's blocks from imported definitions), block (what a member checks) and join
(a member accepts a channel's genesis block and its nodes join)."""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from functools import partial
from pathlib import Path

import yaml
from fabric_protos.common import common_pb2
from google.protobuf.message import DecodeError

from grootboek.client.identity import PrivateKeySigner, SigningIdentity, X509Identity
from grootboek.network.admin import channels
from grootboek.network.admin.channel_admin import ChannelAdmin, admin_signing, config_of
from grootboek.network.cli.support import (
    CommandError,
    add_update_options,
    apply_update,
    command,
    emit,
    known,
    load_transaction,
    open_network,
)
from grootboek.network.config import config_edits, configtxlator
from grootboek.network.config.channel_view import describe
from grootboek.network.config.config_elements import delta
from grootboek.network.config.config_policies import unsatisfied


def cmd_create(args: argparse.Namespace) -> None:
    network = open_network(args)
    for org in args.org:
        known(network.consortium.organization, org)
    network = channels.create_channel(network, args.name, args.org, args.orderer)
    print(f"channel {args.name} created: {', '.join(args.org)}")


def cmd_list(args: argparse.Namespace) -> None:
    network = open_network(args)
    listing = [{"name": c.name, "organizations": c.organizations,
                "orderers": [o.name for o in network.consortium.channel_orderers(c)],
                "chaincodes": [cc.name for cc in c.chaincodes],
                "heights": channels.heights(network, c.name)}
               for c in network.consortium.channels]
    emit(listing, args.json)


def cmd_show(args: argparse.Namespace) -> None:
    network = open_network(args)
    known(network.consortium.channel, args.name)
    summary = {"channel": args.name, **describe(ChannelAdmin(network).config(args.name)),
               "heights": channels.heights(network, args.name)}
    if not args.policies:
        summary.pop("policies")
    emit(summary, args.json)


def cmd_genesis(args: argparse.Namespace) -> None:
    if not args.member:
        raise CommandError("say which organisation builds the blocks: `grootboek --org NAME channel genesis`")
    network = open_network(args)
    known(network.consortium.member, args.member)
    for name in args.name:
        known(network.consortium.channel, name)
    network.create_crypto(args.member)
    for path in channels.build_genesis_blocks(network, args.member, args.name):
        emit(block_summary(path.read_bytes(), str(path)), args.json)
        print(f"{path}: send it to the channel's members with its sha256 (above) by another channel",
              file=sys.stderr)


def block_summary(data: bytes, source: str) -> dict:
    """What a member checks before its nodes join with a block: organisations with their CA
    fingerprints, orderers and consenters' TLS fingerprints, policies, and the file's sha256."""
    try:
        block = common_pb2.Block.FromString(data)
        config = config_of(block)
        envelope = common_pb2.Envelope.FromString(block.data.data[0])
        header = common_pb2.Payload.FromString(envelope.payload).header
        channel = common_pb2.ChannelHeader.FromString(header.channel_header).channel_id
        summary = describe(config)
    except (DecodeError, IndexError, KeyError, ValueError) as exc:
        raise CommandError(f"{source}: not a channel configuration block ({exc})") from None
    return {"channel": channel, "block": block.header.number, "sha256": hashlib.sha256(data).hexdigest(),
            **summary}


def cmd_block(args: argparse.Namespace) -> None:
    emit(block_summary(_read(args.file), str(args.file)), args.json)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None


def cmd_join(args: argparse.Namespace) -> None:
    if not args.member:
        raise CommandError("say which organisation you run: `grootboek --org NAME channel join CHANNEL`")
    network = open_network(args)
    known(network.consortium.channel, args.name)
    if args.block:
        data, source = _read(args.block), str(args.block)
    else:
        data, source = channels.fetch_genesis(network, args.name), f"block 0 of {args.name} from its orderer"
    channels.genesis_of(data, args.name, source)
    emit(block_summary(data, source), args.json)
    path = channels.accept_genesis(network, args.name, data, args.accept)
    print(f"accepted {path}; {network.member}'s nodes join channel {args.name} now if they run, else at `up`",
          file=sys.stderr)


def cmd_config(args: argparse.Namespace) -> None:
    network = open_network(args)
    known(network.consortium.channel, args.name)
    document = configtxlator.decode(network.binaries, ChannelAdmin(network).config(args.name))
    text = (json.dumps(document, indent=2) + "\n" if args.format == "json"
            else yaml.safe_dump(document, sort_keys=False))
    if args.output:
        args.output.write_text(text)
    else:
        sys.stdout.write(text)


def cmd_anchor_peers(args: argparse.Namespace) -> None:
    network = open_network(args)
    known(network.consortium.channel, args.channel)
    known(network.consortium.organization, args.org)
    org = network.consortium.organization(args.org)
    peers = network.layout.peers(org)
    chosen = [p for p in peers if p.name in args.peer or p.id in args.peer] if args.peer else peers
    if args.peer and len(chosen) != len(args.peer):
        raise CommandError(f"{org.name} has peers {', '.join(p.name for p in peers)}; got {', '.join(args.peer)}")
    anchors = [(p.address.rsplit(":", 1)[0], p.spec.port) for p in chosen]
    apply_update(network, args, args.channel,
                 partial(config_edits.set_anchor_peers, org=org.name, peers=anchors),
                 f"anchor peers of {org.name} on channel {args.channel}: {', '.join(p.name for p in chosen)}")


def cmd_batch(args: argparse.Namespace) -> None:
    settings = {"timeout": args.timeout, "max_message_count": args.max_message_count,
                "absolute_max_bytes": args.absolute_max_bytes, "preferred_max_bytes": args.preferred_max_bytes}
    if all(v is None for v in settings.values()):
        raise CommandError("give at least one of --timeout, --max-message-count, --absolute-max-bytes, "
                           "--preferred-max-bytes")
    network = open_network(args)
    known(network.consortium.channel, args.channel)
    what = ", ".join(f"{k}={v}" for k, v in settings.items() if v is not None)
    apply_update(network, args, args.channel, partial(config_edits.set_batch, **settings),
                 f"batch settings of channel {args.channel}: {what}")


def cmd_update_show(args: argparse.Namespace) -> None:
    transaction = load_transaction(args.file)
    network = open_network(args)
    config = ChannelAdmin(network).config(transaction.channel)
    emit({"channel": transaction.channel,
          "changes": sorted(delta(transaction.update)),
          "signed_by": [str(s) for s in transaction.signers()],
          "still_needs": unsatisfied(config, transaction.update, transaction.signers())}, args.json)


def cmd_update_sign(args: argparse.Namespace) -> None:
    transaction = load_transaction(args.file)
    if args.msp_dir:
        if not args.msp_id:
            raise CommandError("--msp-dir needs --msp-id")
        signing = SigningIdentity(X509Identity.from_msp_directory(args.msp_id, args.msp_dir),
                                  PrivateKeySigner.from_msp_directory(args.msp_dir))
    elif args.org or args.member:  # a member signs as its own admin on its own host
        network = open_network(args)
        known(network.consortium.member, args.org or args.member)
        signing = admin_signing(network.layout, args.org or args.member)
    else:
        raise CommandError("give --org ORG (an admin held in the state directory) or --msp-dir DIR --msp-id ID")
    added = transaction.sign(signing)
    transaction.save(args.file)
    print(f"{args.file}: {'signed by' if added else 'already signed by'} {signing.identity.msp_id}; "
          f"signatures: {', '.join(str(s) for s in transaction.signers())}", file=sys.stderr)


def cmd_update_submit(args: argparse.Namespace) -> None:
    transaction = load_transaction(args.file)
    network = open_network(args)
    with network.progress.step(f"submitting {args.file} to channel {transaction.channel}"):
        block = ChannelAdmin(network).submit(transaction)
    print(f"config block {block.header.number} of channel {transaction.channel} carries the update")


def register(groups: argparse._SubParsersAction) -> None:
    channel = groups.add_parser("channel", help="create, inspect and reconfigure channels")
    sub = channel.add_subparsers(dest="command", required=True, metavar="COMMAND")

    create = sub.add_parser("create", help="create a channel of the given organisations and join their peers")
    create.add_argument("name")
    create.add_argument("--org", action="append", required=True, help="member organisation (repeatable)")
    create.add_argument("--orderer", action="append", help="Raft member (repeatable; default: every orderer)")
    create.set_defaults(handler=command(cmd_create))

    listing = sub.add_parser("list", help="channels with their members and heights")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=command(cmd_list))

    show = sub.add_parser("show", help="organisations, orderers, batch settings, capabilities and heights")
    show.add_argument("name")
    show.add_argument("--policies", action="store_true", help="also every policy")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=command(cmd_show))

    genesis = sub.add_parser("genesis", help="as a channel's creator (`--org NAME`): its genesis block from the "
                                             "definitions you imported; shows what members check")
    genesis.add_argument("name", nargs="*", help="channel (repeatable; default: every channel)")
    genesis.add_argument("--json", action="store_true")
    genesis.set_defaults(handler=command(cmd_genesis, next_step=None))

    block = sub.add_parser("block", help="a block file's configuration: organisations with certificate "
                                         "fingerprints, orderers, policies, and its sha256")
    block.add_argument("file", type=Path)
    block.add_argument("--json", action="store_true")
    block.set_defaults(handler=command(cmd_block, next_step=None))

    join = sub.add_parser("join", help="as a member (`--org NAME`): accept a channel's genesis block by its sha256 "
                                       "(fetched from an orderer, or the creator's file) and join your nodes")
    join.add_argument("name")
    join.add_argument("--block", type=Path, help="the creator's block file (an orderer's member joins its "
                                                 "orderers with it); default: fetch block 0 from an orderer")
    join.add_argument("--accept", metavar="SHA256", help="the sha256 the channel's creator told you by another channel")
    join.add_argument("--json", action="store_true")
    join.set_defaults(handler=command(cmd_join, next_step=None))

    config = sub.add_parser("config", help="the current channel configuration, fully decoded")
    config.add_argument("name")
    config.add_argument("--format", choices=("json", "yaml"), default="json")
    config.add_argument("--output", type=Path, help="write to this file instead of standard output")
    config.set_defaults(handler=command(cmd_config))

    anchors = sub.add_parser("anchor-peers", help="set an organisation's anchor peers on a channel")
    anchors.add_argument("channel")
    anchors.add_argument("org")
    anchors.add_argument("--peer", action="append", default=[], help="peer name (repeatable; default: all its peers)")
    add_update_options(anchors)
    anchors.set_defaults(handler=command(cmd_anchor_peers))

    batch = sub.add_parser("batch", help="change how orderers cut blocks on a channel")
    batch.add_argument("channel")
    batch.add_argument("--timeout", help="e.g. 250ms, 2s")
    batch.add_argument("--max-message-count", type=int)
    batch.add_argument("--absolute-max-bytes", type=int)
    batch.add_argument("--preferred-max-bytes", type=int)
    add_update_options(batch)
    batch.set_defaults(handler=command(cmd_batch))

    update = sub.add_parser("update", help="config updates in files: show, sign (also offline), submit")
    update_sub = update.add_subparsers(dest="update_command", required=True, metavar="COMMAND")
    show_update = update_sub.add_parser("show", help="what the update changes, who signed, who still must")
    show_update.add_argument("file", type=Path)
    show_update.add_argument("--json", action="store_true")
    show_update.set_defaults(handler=command(cmd_update_show))
    sign = update_sub.add_parser("sign", help="add an admin's signature to the update file")
    sign.add_argument("file", type=Path)
    sign.add_argument("--org", help="sign as this organisation's admin from the state directory")
    sign.add_argument("--msp-dir", type=Path, help="sign with this admin MSP directory (another machine)")
    sign.add_argument("--msp-id", help="the MSP id of --msp-dir")
    sign.set_defaults(handler=command(cmd_update_sign, "check the file and the signing identity"))
    submit = update_sub.add_parser("submit", help="submit the signed update and verify the new config block")
    submit.add_argument("file", type=Path)
    submit.set_defaults(handler=command(cmd_update_submit, None))

