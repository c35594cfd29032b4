"""Transactions whose endorsing peers the test chooses (the gateway would choose for itself), to
see whose endorsements count."""
from __future__ import annotations

from contextlib import ExitStack
from typing import Sequence

from grootboek.client import admin
from grootboek.client.admin.commit_waiter import CommitWaiter
from grootboek.client.admin.endorser import Endorser
from grootboek.client.admin.invocation import Invocation
from grootboek.client.admin.orderer import Orderer
from grootboek.client.commit import Status
from grootboek.client.endpoint import Endpoint
from grootboek.client.protocol.deliver import PeerDeliver
from grootboek.network.admin.channel_admin import ChannelAdmin, admin_signing
from grootboek.network.config.layout import Peer
from grootboek.network.nodes.network import Network


def first_peer(network: Network, org: str) -> Peer:
    return network.layout.peers(network.consortium.organization(org))[0]


def peer_channel(network: Network, peer: Peer):
    tls_ca = network.layout.crypto(peer.org.name).root / "tlsca" / "cert.pem"
    return Endpoint(peer.address, tls_root_certs=tls_ca.read_bytes()).open_channel()


def put_endorsed_by(network: Network, channel: str, peers: Sequence[Peer], key: str, value: str,
                    creator: str = "Municipality") -> Status:
    """A conformance `State:put` endorsed by exactly `peers`, ordered, and its validation outcome
    as the creator organisation's first peer records it."""
    signing = admin_signing(network.layout, creator)
    channel_admin = ChannelAdmin(network)
    with ExitStack() as stack:
        endorsers = [Endorser(stack.enter_context(peer_channel(network, p))) for p in peers]
        own = stack.enter_context(peer_channel(network, first_peer(network, creator)))
        node = channel_admin.serving_orderer(channel)
        orderer = stack.enter_context(Endpoint(network.layout.address(node.port),
                                               tls_root_certs=channel_admin.orderer_tls_ca(node).read_bytes()).open_channel())
        waiter = stack.enter_context(CommitWaiter(PeerDeliver(own), signing, channel))
        tx_id = admin.transact(endorsers, Orderer(orderer), signing,
                               Invocation.of("conformance", "State:put", key, value), channel)
        return waiter.wait(tx_id)
