"""Channels of a running network: created from the consortium (a genesis block, orderers joined
through the participation API, peers joined, all by the convergent bring-up), listed, and their
height on every node that serves them. When members run their own organisations, the channel's
creator builds its genesis block from the definitions it imported (build_genesis_blocks)."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from grootboek.network.admin.channel_admin import ChannelAdminError
from grootboek.network.admin.participation import ParticipationError
from grootboek.network.admin.peer_admin import PeerAdmin, PeerAdminError
from grootboek.network.admin.topology import change, converge
from grootboek.network.config import definitions
from grootboek.network.config.channel_config import write_genesis_block
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
            lacking = definitions.missing(layout, [consortium.orderer_organization.name, *channel.organizations])
            if lacking:
                raise ChannelAdminError(
                    f"channel {channel.name} needs the definition of {', '.join(lacking)}: import it with "
                    f"`grootboek --org {member} definition import FILE`")
            write_genesis_block(layout, channel, network.binaries)
        built.append(block)
    return built


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
