"""Channels of a running network: created from the consortium (a genesis block, orderers joined
through the participation API, peers joined, all by the convergent bring-up), listed, and their
height on every node that serves them. When members run their own organisations, the channel's
creator builds its genesis block from the definitions it imported (build_genesis_blocks), and each
member accepts it by its sha256, from the creator's file or fetched from an orderer (accept_genesis)."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Sequence

import grpc
from fabric_protos.common import common_pb2
from google.protobuf.message import DecodeError

from grootboek.client.endpoint import Endpoint
from grootboek.client.errors import GatewayError
from grootboek.client.protocol import seek
from grootboek.client.protocol.deliver import OrdererDeliver, fetch_block
from grootboek.network.admin.channel_admin import ChannelAdminError, admin_signing, is_config_block
from grootboek.network.admin.participation import ParticipationError
from grootboek.network.admin.peer_admin import PeerAdmin, PeerAdminError
from grootboek.network.admin.topology import change, converge
from grootboek.network.config import definitions
from grootboek.network.config.channel_config import write_genesis_block
from grootboek.network.nodes import supervisor
from grootboek.network.nodes.network import Network
from grootboek.network.nodes.tasks import parallel


def create_channel(network: Network, name: str, organizations: Sequence[str],
                   orderers: Sequence[str] | None = None) -> Network:
    """Adds the channel to the consortium and brings it up; re-running finishes a creation that
    failed half-way (the same organisations and orderers must be given)."""
    wanted = {"name": name, "organizations": list(organizations),
              "orderers": list(orderers) if orderers is not None else None}
    try:
        existing = network.consortium.channel(name)
    except KeyError:
        changed = change(network.consortium, lambda data: data["channels"].append({**wanted, "chaincodes": []}))
    else:
        if (existing.organizations, existing.orderers) != (wanted["organizations"], wanted["orderers"]):
            raise ChannelAdminError(f"channel {name} already exists with organisations "
                                    f"{', '.join(existing.organizations)}: change its members with "
                                    "`grootboek org add/remove`")
        changed = network.consortium
    with network.progress.step(f"creating channel {name}"):
        return converge(network, changed)


def build_genesis_blocks(network: Network, member: str, names: Sequence[str] = ()) -> list[Path]:
    """The channel creator's step: each channel's genesis block (default: every channel) from this
    member's state, its own organisation's certificates and the definitions it imported. A block
    already built is kept: members may have checked it."""
    layout, consortium = network.layout, network.consortium
    built = []
    for channel in [consortium.channel(n) for n in names] or consortium.channels:
        block = layout.channel_block(channel.name)
        if not block.exists():
            ordering = [consortium.orderer_owner(o.name).name for o in consortium.channel_orderers(channel)]
            lacking = definitions.missing(layout, list(dict.fromkeys([*ordering, *channel.organizations])))
            if lacking:
                raise ChannelAdminError(
                    f"channel {channel.name} needs the definition of {', '.join(lacking)}: import it with "
                    f"`grootboek --org {member} definition import FILE`")
            write_genesis_block(layout, channel, network.binaries)
        built.append(block)
    return built


def fetch_genesis(network: Network, name: str) -> bytes:
    """Block 0 of channel `name` from the first of its orderers that answers, asked as this
    state's admin (a member's own): what a member's peers join with."""
    layout, consortium = network.layout, network.consortium
    signing = admin_signing(layout, network.member or consortium.ordering_organizations[0].name)
    problems = []
    for orderer in consortium.channel_orderers(consortium.channel(name)):
        address = layout.address(orderer.port)
        tls_ca = (layout.orderer_crypto(orderer.name).root / "tlsca" / "cert.pem").read_bytes()
        try:
            with Endpoint(address, tls_root_certs=tls_ca).open_channel() as connection:
                block = fetch_block(OrdererDeliver(connection), signing, name, seek.specified(0), timeout=5)
            return block.SerializeToString()
        except (GatewayError, grpc.RpcError) as exc:
            problems.append(f"{orderer.name} at {address}: {exc}")
    raise ChannelAdminError(f"cannot fetch the first block of channel {name}: {'; '.join(problems)}")


def genesis_of(data: bytes, name: str, source: str) -> common_pb2.Block:
    """The block in `data` if it is the genesis (config) block of channel `name`."""
    try:
        block = common_pb2.Block.FromString(data)
        envelope = common_pb2.Envelope.FromString(block.data.data[0])
        header = common_pb2.ChannelHeader.FromString(common_pb2.Payload.FromString(envelope.payload).header.channel_header)
        config = is_config_block(block)
    except (DecodeError, IndexError) as exc:
        raise ChannelAdminError(f"{source}: not a block ({exc})") from None
    if not config or block.header.number != 0:
        raise ChannelAdminError(f"{source}: not a genesis block (block {block.header.number})")
    if header.channel_id != name:
        raise ChannelAdminError(f"{source}: the genesis block of channel {header.channel_id}, not of {name}")
    return block


def accept_genesis(network: Network, name: str, data: bytes, sha256: str | None) -> Path:
    """Keeps a channel's genesis block once the member accepted it by the sha256 its creator
    told by another channel, and joins the member's nodes if they run (`up` joins them later
    otherwise)."""
    digest = hashlib.sha256(data).hexdigest()
    if sha256 is None or sha256.strip().lower() != digest:
        why = "not accepted" if sha256 is None else "the sha256 given is not this block's"
        raise ChannelAdminError(f"channel {name}: {why}. Check the summary above and compare its sha256 with the "
                                f"channel's creator by another channel, then accept it with --accept {digest}")
    path = network.layout.channel_block(name)
    if path.exists() and path.read_bytes() != data:
        raise ChannelAdminError(f"{path} already holds another genesis block of channel {name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if supervisor.is_running(network.run_dir):
        network.converge()
    return path


def heights(network: Network, name: str) -> dict[str, int | None]:
    """Block height of the channel on each orderer and peer that serves it (None: no answer)."""
    consortium = network.consortium
    channel = consortium.channel(name)

    def orderer_height(node) -> int | None:
        try:
            info = network.participation(node).info(name)
        except ParticipationError:
            return None
        return info.height if info else None

    def peer_height(peer) -> int | None:
        try:
            with PeerAdmin(network.layout, peer) as admin:
                return admin.height(name)
        except PeerAdminError:
            return None

    orderers = consortium.channel_orderers(channel)
    peers = [p for org in channel.organizations for p in network.layout.peers(consortium.organization(org))]
    tasks = [lambda o=o: orderer_height(o) for o in orderers] + [lambda p=p: peer_height(p) for p in peers]
    return dict(zip([o.name for o in orderers] + [p.id for p in peers], parallel(tasks)))
