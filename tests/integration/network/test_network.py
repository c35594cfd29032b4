"""Issue 2: the consortium network started natively by our tooling."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from grootboek.network.admin.lifecycle import Lifecycle
from grootboek.network.admin.peer_admin import PeerAdmin
from grootboek.network.config import consortium as consortium_file
from grootboek.network.nodes import supervisor
from grootboek.network.nodes.network import GO_RUNTIME, Network
from grootboek.network.nodes.readiness import port_open, wait_for



def heights(network: Network) -> dict[str, dict[str, int]]:
    """Channel -> node -> height, for every running peer and orderer."""
    out: dict[str, dict[str, int]] = {}
    for node in network.status():
        for channel, height in node.heights.items():
            out.setdefault(channel, {})[node.name] = height
    return out


@pytest.fixture(scope="module")
def put(connect_as):
    def put(network: Network, org: str, channel: str, key: str, value: str) -> None:
        with connect_as(network, org) as gateway:
            gateway.network(channel).contract("conformance").submit("State:put", [key, value])
    return put


def test_every_peer_joined_its_channels_and_peers_agree_on_heights(fabric, put):
    for peer in fabric.layout.peers():
        with PeerAdmin(fabric.layout, peer) as admin:
            joined = admin.channels()
        assert sorted(joined) == sorted(c.name for c in fabric.consortium.channels_of(peer.org))
    put(fabric, "Municipality", "kindpakket", "agree", "1")
    for channel in fabric.consortium.channels:
        members = [p.id for o in channel.organizations for p in fabric.layout.peers(fabric.consortium.organization(o))]
        agreed = wait_for(lambda: len({heights(fabric)[channel.name][m] for m in members}) == 1
                          and heights(fabric)[channel.name], f"peers of {channel.name} agree")
        assert set(members) <= set(agreed)


def test_each_channel_has_a_raft_leader(fabric):
    for channel in fabric.consortium.channels:
        assert fabric.raft_leader(channel.name) in {o.name for o in fabric.consortium.orderer_organization.orderers}


def test_fabrics_nodes_run_with_their_go_memory_settings(fabric):
    """Fabric's nodes collect garbage sooner than Go's default (GOGC), all three kinds of them."""
    seen = set()
    for process in supervisor.request(fabric.run_dir, {"cmd": "status"})["processes"]:
        kind = next((k for k in ("orderer", "peer", "ca.") if process["name"].startswith(k)), None)
        if kind is None:  # our own Python processes
            continue
        with open(f"/proc/{process['pid']}/environ", "rb") as environ:
            variables = dict(v.split("=", 1) for v in environ.read().decode().split("\0") if "=" in v)
        assert GO_RUNTIME.items() <= variables.items(), process["name"]
        seen.add(kind)
    assert seen == {"orderer", "peer", "ca."}


@pytest.fixture(scope="module")
def own(start_network, integration_consortium):
    """A network of its own for tests that stop and break nodes."""
    network = start_network(integration_consortium(), "own")
    yield network
    network.down()


def test_down_stops_everything_and_up_resumes_at_the_same_heights(own, put, connect_as):
    put(own, "Merchants", "kindpakket", "before-down", "x")
    put(own, "Registry", "kadaster", "before-down", "y")
    before = wait_for(lambda: (h := heights(own)) and all(len(set(v.values())) == 1 for v in h.values()) and h,
                      "all nodes at one height per channel")
    own.down()
    assert supervisor.marked_processes(own.layout.root) == []
    assert not supervisor.is_running(own.run_dir)

    own.up()
    after = heights(own)
    assert {c: set(v.values()) for c, v in after.items()} == {c: set(v.values()) for c, v in before.items()}
    put(own, "Municipality", "kadaster", "after-up", "z")
    with connect_as(own, "Municipality") as gateway:  # the peer the submit waited on
        assert gateway.network("kadaster").contract("conformance").evaluate("State:get", ["after-up"]) == b"z"


def test_a_channel_still_orders_with_one_orderer_of_three_down(own, put, connect_as):
    channel = "kindpakket"
    leader = own.raft_leader(channel)
    supervisor.request(own.run_dir, {"cmd": "stop", "name": leader})  # the worst one to lose
    try:
        # The two left elect a new leader (Raft's election timeout), then order as before.
        assert wait_for(lambda: own.raft_leader(channel), "a new leader", timeout=30) != leader
        put(own, "Municipality", channel, "one-down", "still ordering")
        with connect_as(own, "Municipality") as gateway:  # the peer the submit waited on
            contract = gateway.network(channel).contract("conformance")
            assert contract.evaluate("State:get", ["one-down"]) == b"still ordering"
    finally:
        supervisor.request(own.run_dir, {"cmd": "start", "name": leader})


def test_a_killed_chaincode_server_is_restarted_and_serves_again(own, put):
    name = own.layout.chaincode_server_id("conformance", "Merchants")
    pid = next(p["pid"] for p in supervisor.request(own.run_dir, {"cmd": "status"})["processes"] if p["name"] == name)
    os.kill(pid, signal.SIGKILL)

    def restarted():
        status = next(p for p in supervisor.request(own.run_dir, {"cmd": "status"})["processes"]
                      if p["name"] == name)
        return status["running"] and status["pid"] != pid and port_open(address) and status

    conformance = next(c for c in own.consortium.channel("kindpakket").chaincodes if c.name == "conformance")
    address = own.layout.address(conformance.servers["Merchants"].port)
    status = wait_for(restarted, f"{name} restarted", timeout=30)
    assert status["restarts"] == 1 and status["pid"] != pid and status["last_exit"] == -signal.SIGKILL
    put(own, "Merchants", "kindpakket", "after-restart", "served")  # the peer reconnects by itself
    assert "starting " + name in own.layout.log_file(name).read_text()


def test_a_killed_peer_is_restarted_and_its_running_chaincode_server_serves_it_again(own, put):
    peer = own.layout.peers(own.consortium.organization("Merchants"))[0]
    server = own.layout.chaincode_server_id("conformance", "Merchants")
    processes = {p["name"]: p for p in supervisor.request(own.run_dir, {"cmd": "status"})["processes"]}
    os.kill(processes[peer.id]["pid"], signal.SIGKILL)

    def back():
        status = next(p for p in supervisor.request(own.run_dir, {"cmd": "status"})["processes"]
                      if p["name"] == peer.id)
        return status["running"] and status["pid"] != processes[peer.id]["pid"] and status

    wait_for(back, f"{peer.id} restarted", timeout=30)
    wait_for(lambda: own.gossip_members(peer, "kindpakket") >= 1, f"{peer.id} back in gossip", timeout=60)
    # kindpakket's MAJORITY needs both peers: this one endorses through the server it dialled anew.
    put(own, "Merchants", "kindpakket", "after-peer-restart", "served")
    after = next(p for p in supervisor.request(own.run_dir, {"cmd": "status"})["processes"] if p["name"] == server)
    assert after["pid"] == processes[server]["pid"] and after["restarts"] == processes[server]["restarts"]


def test_cli_status_and_logs(own):
    cli = [sys.executable, "-m", "grootboek", "--state-dir", str(own.layout.root)]
    status = subprocess.run([*cli, "status"], capture_output=True, text=True, timeout=60)
    assert status.returncode == 0, status.stderr
    lines = {line.split()[0]: line for line in status.stdout.splitlines()[1:]}
    assert set(lines) >= {"orderer0", "orderer1", "orderer2", "peer0.municipality", "peer0.registry",
                          "peer0.merchants", "ca.municipality", "cc-conformance.merchants"}
    assert " ok " in lines["peer0.municipality"] and "kindpakket@" in lines["peer0.municipality"]
    logs = subprocess.run([*cli, "logs", "-n", "5", "orderer1"], capture_output=True, text=True, timeout=60)
    assert logs.returncode == 0 and len(logs.stdout.splitlines()) == 5
    missing = subprocess.run([*cli, "logs", "nope"], capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and "no log for 'nope'" in missing.stderr


def test_chaincode_upgrade_to_a_new_version_and_sequence(own, put, connect_as):
    data = own.consortium.model_dump()
    for channel in data["channels"]:
        for cc in channel["chaincodes"]:
            if cc["name"] == "conformance":
                cc.update(version="1.1", sequence=2)
    upgraded = Network(consortium_file.parse(data), own.layout.root, own.progress)
    upgraded.up()  # converges: new packages, servers restarted with them, approve and commit

    with Lifecycle(upgraded) as cycle:
        statuses = {(s.channel, s.name): s for s in cycle.status()}
    for channel in ("kindpakket", "kadaster"):
        status = statuses[(channel, "conformance")]
        assert (status.committed_version, status.committed_sequence) == ("1.1", 2)
        members = {upgraded.consortium.organization(o).msp_id for o in upgraded.consortium.channel(channel).organizations}
        assert status.approvals == {m: True for m in members}
        assert status.package_id.startswith("conformance_1.1:") and all(status.installed.values())
    put(upgraded, "Registry", "kadaster", "after-upgrade", "v1.1")
    with connect_as(upgraded, "Registry") as gateway:
        assert gateway.network("kadaster").contract("conformance").evaluate("State:get", ["after-upgrade"]) == b"v1.1"
