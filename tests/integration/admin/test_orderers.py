"""A fourth orderer joins kindpakket's Raft cluster on a running network of its own, the cluster's
leader is removed, the channel keeps ordering throughout, and `down` and `up` resume the changed
cluster."""
from __future__ import annotations

import json

import pytest

from grootboek.network.admin.channel_admin import ChannelAdmin
from grootboek.network.config.channel_view import describe
from grootboek.network.nodes import supervisor
from grootboek.network.nodes.network import Network
from grootboek.network.nodes.readiness import wait_for

CHANNEL = "kindpakket"


@pytest.fixture(scope="module")
def network(start_network, integration_consortium):
    network = start_network(integration_consortium(), "orderers")
    yield network
    network.down()


def now(network: Network) -> Network:
    return Network.from_state(network.layout.root)


def put(connect_as, network: Network, key: str) -> None:
    with connect_as(network, "Municipality") as gateway:
        gateway.network(CHANNEL).contract("conformance").submit("State:put", [key, "ordered"])


def orderer_heights(network: Network, cli) -> dict[str, int]:
    listed = json.loads(cli(network, "channel", "list", "--json").stdout)
    heights = next(c for c in listed if c["name"] == CHANNEL)["heights"]
    return {node: height for node, height in heights.items() if node.startswith("orderer")}


def test_a_new_orderer_becomes_a_raft_member_and_orders(network, cli, connect_as, traffic):
    with traffic(network, "Merchants", CHANNEL) as running:
        added = cli(network, "orderer", "add", "orderer3", "--channel", CHANNEL)
    assert added.returncode == 0, added.stderr
    assert running.failures == [] and running.committed > 0

    grown = now(network)
    orderer3 = next(o for o in grown.consortium.orderer_organization.orderers if o.name == "orderer3")
    info = grown.participation(orderer3).info(CHANNEL)
    assert (info.status, info.consensus_relation) == ("active", "consenter")
    assert grown.participation(orderer3).channels() == [CHANNEL]  # only where it was added
    summary = describe(ChannelAdmin(grown).config(CHANNEL))
    assert summary["consensus"]["consenters"][-1] == grown.layout.address(orderer3.port)
    assert summary["orderer_organizations"][0]["endpoints"][-1] == grown.layout.address(orderer3.port)

    put(connect_as, grown, "after-orderer3")
    wait_for(lambda: len(set((h := orderer_heights(grown, cli)).values())) == 1 and len(h) == 4,
             "four orderers at one height")


def test_the_leader_is_removed_and_the_channel_keeps_ordering(network, cli, connect_as):
    grown = now(network)
    leader = wait_for(lambda: grown.raft_leader(CHANNEL), "a Raft leader")
    removed = cli(network, "orderer", "remove", leader, "--channel", CHANNEL)
    assert removed.returncode == 0, removed.stderr

    shrunk = now(network)
    node = next(o for o in shrunk.consortium.orderer_organization.orderers if o.name == leader)
    assert CHANNEL not in shrunk.participation(node).channels()  # it serves its other channel still
    assert node not in shrunk.consortium.channel_orderers(shrunk.consortium.channel(CHANNEL))
    assert wait_for(lambda: shrunk.raft_leader(CHANNEL), "a new Raft leader") != leader
    put(connect_as, shrunk, "after-leader-left")
    summary = describe(ChannelAdmin(shrunk).config(CHANNEL))
    assert len(summary["consensus"]["consenters"]) == 3
    assert shrunk.layout.address(node.port) not in summary["orderer_organizations"][0]["endpoints"]


def test_down_and_up_resume_the_changed_cluster(network, cli, connect_as):
    before = now(network).consortium.channel(CHANNEL).orderers
    assert cli(network, "down").returncode == 0
    resumed = cli(network, "up")
    assert resumed.returncode == 0, resumed.stderr
    after = now(network)
    assert after.consortium.channel(CHANNEL).orderers == before
    running = {p["name"] for p in supervisor.request(after.run_dir, {"cmd": "status"})["processes"] if p["running"]}
    assert "orderer3" in running
    put(connect_as, after, "after-resume")
