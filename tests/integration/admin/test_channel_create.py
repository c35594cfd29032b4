"""A third channel created on a running network of its own, and resumed after `down` and `up`."""
from __future__ import annotations

import json

import pytest

from grootboek.network.nodes.network import Network
from grootboek.network.nodes.readiness import wait_for

CHANNEL = "gemeenteraad"
MEMBERS = {"orderer0", "orderer1", "orderer2", "peer0.municipality", "peer0.registry"}


@pytest.fixture(scope="module")
def network(start_network, integration_consortium):
    network = start_network(integration_consortium(), "channels")
    yield network
    network.down()


def heights(network: Network, cli) -> dict[str, int]:
    listed = json.loads(cli(network, "channel", "list", "--json").stdout)
    return next(c for c in listed if c["name"] == CHANNEL)["heights"]


def test_a_third_channel_is_created_joined_and_resumed_after_down_and_up(network, cli):
    created = cli(network, "channel", "create", CHANNEL, "--org", "Municipality", "--org", "Registry")
    assert created.returncode == 0, created.stderr
    listed = json.loads(cli(network, "channel", "list", "--json").stdout)
    assert [c["name"] for c in listed] == ["kindpakket", "kadaster", CHANNEL]
    third = listed[-1]
    assert third["organizations"] == ["Municipality", "Registry"]
    assert third["heights"] == dict.fromkeys(MEMBERS, 1)  # the genesis block on every member
    assert Network.from_state(network.layout.root).raft_leader(CHANNEL) is not None

    # A config transaction on the new channel reaches every member.
    batch = cli(network, "channel", "batch", CHANNEL, "--max-message-count", "20")
    assert batch.returncode == 0, batch.stderr
    wait_for(lambda: heights(network, cli) == dict.fromkeys(MEMBERS, 2), f"every member of {CHANNEL} at height 2")

    again = cli(network, "channel", "create", CHANNEL, "--org", "Municipality", "--org", "Registry")
    assert again.returncode == 0, again.stderr
    other = cli(network, "channel", "create", CHANNEL, "--org", "Municipality")
    assert other.returncode == 1 and "already exists" in other.stderr

    assert cli(network, "down").returncode == 0
    resumed = cli(network, "up")
    assert resumed.returncode == 0, resumed.stderr
    assert heights(network, cli) == dict.fromkeys(MEMBERS, 2)
    shown = json.loads(cli(network, "channel", "show", CHANNEL, "--json").stdout)
    assert shown["batch"]["max_message_count"] == 20


def test_an_unknown_organisation_is_refused_before_anything_changes(network, cli):
    refused = cli(network, "channel", "create", "nope", "--org", "Municipality", "--org", "Gemeente")
    assert refused.returncode == 1 and "no organisation 'Gemeente'" in refused.stderr
    assert "nope" not in (network.layout.root / "consortium.yaml").read_text()
