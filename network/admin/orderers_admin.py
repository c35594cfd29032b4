"""Orderers joining and leaving channels' Raft clusters on a running network.

Adding: the orderer joins the consortium (its crypto, config and supervised process); per channel a
config update signed by the orderer organisation's admins adds it to the Raft consenters; it joins
the channel through the participation API with the genesis block, replicates the chain as a
follower, and turns consenter when it reaches the block that added it. Only then does a second
update list it among the organisation's endpoints, where peers and clients look for orderers: listed
earlier, it would be sent transactions for a channel it does not have yet. Raft changes one member
per config update, so channels are updated one orderer at a time.

Removing, in reverse: the endpoint first (clients stop using it), then the consenter (submitted
through another orderer), then the channel is removed from it; an orderer left in no channel leaves
the consortium and its process stops.
"""
from __future__ import annotations

from functools import partial
from typing import Sequence

from grootboek.network.admin.channel_admin import ChannelAdmin
from grootboek.network.admin.participation import ParticipationError
from grootboek.network.admin.topology import change, converge, free_ports
from grootboek.network.config import config_edits
from grootboek.network.config.consortium import Consortium, OrdererNode
from grootboek.network.config.layout import Layout
from grootboek.network.nodes.network import Network, NetworkError
from grootboek.network.nodes.readiness import wait_for

ONBOARDING_TIMEOUT = 120.0


def new_orderer(consortium: Consortium, name: str) -> OrdererNode:
    port, admin_port, operations_port = free_ports(consortium, 3)
    return OrdererNode(name=name, port=port, admin_port=admin_port, operations_port=operations_port)


def _explicit_orderers(data: dict) -> None:
    """Every channel names its orderers, so a new orderer is in no channel until it is added."""
    everyone = [o["name"] for o in data["orderer_organization"]["orderers"]]
    for channel in data["channels"]:
        if channel.get("orderers") is None:
            channel["orderers"] = list(everyone)


def _orderer_organization(network: Network) -> None:
    if network.consortium.orderer_organization is None:
        raise NetworkError("the members order this consortium: these commands change an orderer organisation's "
                           "orderers; a member changes its own with a channel config update its peers sign")


def _member_of_consortium(network: Network, node: OrdererNode) -> Network:
    orderers = network.consortium.orderer_organization.orderers
    existing = next((o for o in orderers if o.name == node.name), None)
    if existing is not None:
        return network  # a re-run: keep the ports it was added with
    oorg = network.consortium.orderer_organization
    crypto = network.layout.crypto(oorg.name)

    def add(data: dict) -> None:
        _explicit_orderers(data)
        data["orderer_organization"]["orderers"].append(node.model_dump())

    changed = change(network.consortium, add)
    layout = Layout(changed, network.layout.root)
    host = layout.orderer_host(node.name)
    if not (crypto.node_dir(host) / "msp").exists():
        # Bring-up creates node crypto only with a new organisation; this one exists already.
        crypto.add_node(host, "orderer", layout.tls_hosts(node.port))
    with network.progress.step(f"starting orderer {node.name}"):
        return converge(network, changed)


def add_orderer(network: Network, node: OrdererNode, channels: Sequence[str]) -> Network:
    """Adds the orderer to the Raft cluster of each of `channels`; returns the network as it now is."""
    _orderer_organization(network)
    for name in channels:
        network.consortium.channel(name)  # unknown channels fail before anything changes
    network = _member_of_consortium(network, node)
    oorg = network.consortium.orderer_organization
    node = next(o for o in oorg.orderers if o.name == node.name)
    address = network.layout.address(node.port)
    host, port = address.rsplit(":", 1)
    tls_cert = (network.layout.crypto(oorg.name).node_dir(network.layout.orderer_host(node.name))
                / "tls" / "server.crt").read_bytes()
    admin = ChannelAdmin(network)
    for name in channels:
        admin.update(name, partial(config_edits.add_consenter, host=host, port=int(port), tls_cert=tls_cert),
                     f"adding {node.name} to the Raft cluster of channel {name}")

    def join(data: dict) -> None:
        for channel in data["channels"]:
            if channel["name"] in channels and node.name not in channel["orderers"]:
                channel["orderers"].append(node.name)

    with network.progress.step(f"joining {node.name} to {', '.join(channels)}"):
        network = converge(network, change(network.consortium, join))
    participation = network.participation(node)
    for name in channels:
        with network.progress.step(f"{node.name} catching up on {name} and turning Raft member"):
            wait_for(lambda n=name: (info := participation.info(n)) and info.status == "active"
                     and info.consensus_relation == "consenter",
                     f"orderer {node.name} an active member of channel {name}", timeout=ONBOARDING_TIMEOUT)
    admin = ChannelAdmin(network)
    for name in channels:
        admin.update(name, partial(config_edits.add_orderer_endpoint, orderer_org=oorg.name, address=address),
                     f"listing {node.name} among the orderers of channel {name}")
    return network


def remove_orderer(network: Network, name: str, channels: Sequence[str] | None = None) -> Network:
    """Removes the orderer from the Raft cluster of `channels` (default: all of its channels)."""
    _orderer_organization(network)
    consortium = network.consortium
    node = next((o for o in consortium.orderer_organization.orderers if o.name == name), None)
    if node is None:
        raise NetworkError(f"no orderer {name!r} in consortium {consortium.name!r}")
    member_of = [c.name for c in consortium.channels if node in consortium.channel_orderers(c)]
    channels = list(channels) if channels is not None else member_of
    address = network.layout.address(node.port)
    host, port = address.rsplit(":", 1)
    admin = ChannelAdmin(network)
    participation = network.participation(node)
    for channel in channels:
        admin.update(channel, partial(config_edits.remove_orderer_endpoint,
                                      orderer_org=consortium.orderer_organization.name, address=address),
                     f"unlisting {name} from the orderers of channel {channel}", exclude_orderers=[name])
        admin.update(channel, partial(config_edits.remove_consenter, host=host, port=int(port)),
                     f"removing {name} from the Raft cluster of channel {channel}", exclude_orderers=[name])
        try:
            participation.remove(channel)
        except ParticipationError as exc:  # e.g. it is stopped: its copy of the ledger stays behind
            network.progress.info(f"{name} did not drop its copy of {channel}: {exc}")
    leaves = set(member_of) <= set(channels)

    def without(data: dict) -> None:
        _explicit_orderers(data)
        for channel in data["channels"]:
            if leaves or channel["name"] in channels:
                channel["orderers"] = [o for o in channel["orderers"] if o != name]
        if leaves:
            oorg = data["orderer_organization"]
            oorg["orderers"] = [o for o in oorg["orderers"] if o["name"] != name]

    step = f"stopping orderer {name}" if leaves else f"recording that {name} left {', '.join(channels)}"
    with network.progress.step(step):
        return converge(network, change(network.consortium, without))
