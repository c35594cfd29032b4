"""Organisations joining and leaving a running network's channels, e.g. a second municipality:

    network = add_organization(network, new_organization(network.consortium, "Groningen",
                                                          "GroningenMSP", "groningen.grootboek.nl"),
                               ["kindpakket"])

Adding: the organisation joins the consortium (its crypto, CA and peers start, supervised), its
definition is added to each channel by a config update signed by enough admins (a majority of the
channel's organisations), its peers join the channels and catch up, its chaincode servers start,
and it approves the channels' committed chaincode definitions, after which its peers endorse.
Removing: the reverse; its endorsements stop counting once the update removing it is committed.
Every step checks what is already done, so a failed run can be repeated.
"""
from __future__ import annotations

from functools import partial
from typing import Sequence

from grootboek.network.admin.channel_admin import ChannelAdmin
from grootboek.network.admin.peer_admin import Definition, PeerAdmin
from grootboek.network.admin.topology import change, converge, free_ports
from grootboek.network.config import config_edits
from grootboek.network.config.consortium import CertificateAuthority, Consortium, Organization, PeerNode
from grootboek.network.config.org_definition import application_org_group
from grootboek.network.nodes.network import Network, NetworkError


def new_organization(consortium: Consortium, name: str, msp_id: str, domain: str, description: str = "",
                     peers: int = 1) -> Organization:
    """An organisation definition with ports that are free now and unused in the consortium."""
    ports = iter(free_ports(consortium, 3 * peers + 2))
    return Organization(
        name=name, msp_id=msp_id, domain=domain, description=description,
        peers=[PeerNode(name=f"peer{i}", port=next(ports), chaincode_port=next(ports), operations_port=next(ports))
               for i in range(peers)],
        ca=CertificateAuthority(port=next(ports), operations_port=next(ports)),
    )


def _member_of_consortium(network: Network, org: Organization) -> Network:
    """Adds the organisation to the consortium (its nodes start) unless it is there already."""
    try:
        existing = network.consortium.organization(org.name)
    except KeyError:
        with network.progress.step(f"starting {org.name}'s CA and peers"):
            return converge(network, change(network.consortium,
                                            lambda data: data["organizations"].append(org.model_dump())))
    if (existing.msp_id, existing.domain) != (org.msp_id, org.domain):
        raise NetworkError(f"the consortium already has an organisation {org.name} with MSP {existing.msp_id} "
                           f"and domain {existing.domain}; remove it first or choose another name")
    return network  # a re-run: keep the definition (and ports) it was added with


def _with_member(data: dict, org_name: str, channels: Sequence[str], ports: list[int]) -> None:
    """Adds the organisation to `channels` in the consortium's data, with a chaincode server port
    per chaincode (the one it already uses elsewhere, else one of `ports`)."""
    served = {cc["name"]: cc["servers"][org_name] for ch in data["channels"] for cc in ch["chaincodes"]
              if org_name in cc["servers"]}
    for channel in data["channels"]:
        if channel["name"] not in channels:
            continue
        if org_name not in channel["organizations"]:
            channel["organizations"].append(org_name)
        for cc in channel["chaincodes"]:
            if cc["name"] not in served:
                served[cc["name"]] = ports.pop()
            cc["servers"][org_name] = served[cc["name"]]


def _unserved_chaincodes(consortium: Consortium, org_name: str, channels: Sequence[str]) -> set[str]:
    served = {cc.name for ch in consortium.channels for cc in ch.chaincodes if org_name in cc.servers}
    return {cc.name for ch in consortium.channels if ch.name in channels for cc in ch.chaincodes} - served


def admission(network: Network, name: str):
    """The channel edit that adds organisation `name` (from its imported definition)."""
    definition = application_org_group(network.layout, network.consortium.organization(name), network.binaries)
    return partial(config_edits.add_application_organization, name=name, definition=definition)


def add_organization(network: Network, org: Organization, channels: Sequence[str],
                     signers: Sequence[str] | None = None) -> Network:
    """Adds `org` to `channels` of the running network; returns the network as it now is."""
    for name in channels:
        network.consortium.channel(name)  # unknown channels fail before anything changes
    network = _member_of_consortium(network, org)
    org = network.consortium.organization(org.name)
    edit = admission(network, org.name)
    admin = ChannelAdmin(network)
    for name in channels:
        admin.update(name, edit, f"adding {org.name} to channel {name}", signers)
    ports = free_ports(network.consortium, len(_unserved_chaincodes(network.consortium, org.name, channels)))
    with network.progress.step(f"joining {org.name}'s peers to {', '.join(channels)}"):
        network = converge(network, change(network.consortium,
                                           lambda data: _with_member(data, org.name, channels, ports)))
    _approve_committed(network, org, channels)
    return network


def _approve_committed(network: Network, org: Organization, channels: Sequence[str]) -> None:
    """Approves each channel's committed chaincode definitions for the organisation, which its
    peers need before they run and endorse the chaincode."""
    admin = ChannelAdmin(network)
    with PeerAdmin(network.layout, network.layout.peers(org)[0]) as peer:
        for name in channels:
            channel = network.consortium.channel(name)
            committed = peer.committed(name)
            for cc in channel.chaincodes:
                if cc.name not in committed or peer.committed_approvals(name, cc.name).get(org.msp_id):
                    continue
                with network.progress.step(f"approving {cc.name} on {name} for {org.name}"):
                    orderer = admin.serving_orderer(name)
                    peer.approve(name, Definition.of(cc), network.packages[(name, cc.name)].id,
                                 network.layout.address(orderer.port), admin.orderer_tls_ca(orderer))


def remove_organization(network: Network, org_name: str, channels: Sequence[str] | None = None,
                        signers: Sequence[str] | None = None) -> Network:
    """Removes the organisation from `channels` (default: all of its channels). An organisation
    left in no channel leaves the consortium and its processes stop; its crypto and ledgers stay
    in the state directory."""
    org = network.consortium.organization(org_name)
    member_of = [c.name for c in network.consortium.channels_of(org)]
    channels = list(channels) if channels is not None else member_of
    admin = ChannelAdmin(network)
    for name in channels:
        admin.update(name, partial(config_edits.remove_application_organization, name=org.name),
                     f"removing {org.name} from channel {name}", signers)
    leaves = set(member_of) <= set(channels)

    def without(data: dict) -> None:
        for channel in data["channels"]:
            if channel["name"] in channels and org.name in channel["organizations"]:
                channel["organizations"].remove(org.name)
                for cc in channel["chaincodes"]:
                    cc["servers"].pop(org.name, None)
        if leaves:
            data["organizations"] = [o for o in data["organizations"] if o["name"] != org.name]

    step = f"stopping {org.name}'s nodes" if leaves else f"recording that {org.name} left {', '.join(channels)}"
    with network.progress.step(step):
        return converge(network, change(network.consortium, without))
