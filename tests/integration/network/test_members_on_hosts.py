"""A consortium of members that each run their own organisation on their own host, with only their
own keys, ordered by an orderer organisation that runs on a host of its own (the default
consortium file): the bring-up by exchanged files (tests/integration/network/members.py), a
payment and a registry transfer across the hosts, no member holding another's private key,
refusals, a member cut off the network that catches up, and a fourth member that joins."""
from __future__ import annotations

import json

import pytest
import yaml

from grootboek.network.config import consortium as consortium_file
from grootboek.network.config import definitions
from grootboek.network.nodes.readiness import wait_for

from ..api.commits import synced_with
from .members import no_private_key_of_another, pay_and_transfer, register_parcel, running


@pytest.fixture(scope="module")
def consortium(tmp_path_factory):
    with running(tmp_path_factory.mktemp("members"), consortium_file.DEFAULT_FILE, spare=["Groningen"]) as members:
        yield members


def test_a_payment_and_a_registry_transfer_commit_across_the_hosts(consortium):
    pay_and_transfer(consortium)


def test_no_member_holds_another_members_private_key(consortium):
    no_private_key_of_another(consortium)


def test_a_member_cannot_start_or_stop_another_members_nodes(consortium):
    refused = consortium.grootboek("Merchants", "network", "stop", "peer0.municipality")
    assert refused.returncode == 1
    assert "peer0.municipality is Municipality's node: only Municipality starts and stops it" in refused.stderr
    other_state = consortium.grootboek("Registry", "up", state="Merchants")
    assert other_state.returncode == 1
    assert f"the state directory {consortium.states['Merchants']} holds Merchants's nodes" in other_state.stderr
    status = json.loads(consortium.ok("Merchants", "status", "--json"))
    assert {n["name"] for n in status} == {"peer0.merchants", "ca.merchants", "cc-budgets.merchants", "api.merchants"}
    assert all(n["running"] for n in status)


def test_a_member_cut_off_the_bridge_catches_up_and_the_others_go_on(consortium):
    """The Municipality's host drops off the network: the Registry alone may endorse parcels on
    kadaster (its policy), so they commit meanwhile; reconnected, the Municipality's peer has them."""
    registrar = consortium.gateways["Registry"].client("registrar")
    officer = consortium.gateways["Municipality"].client("officer")
    consortium.hosts.cut("Municipality")
    try:
        parcels = [register_parcel(registrar) for _ in range(3)]
        unreachable = consortium.grootboek("Municipality", "channel", "join", "kadaster", "--accept", "0" * 64)
    finally:
        consortium.hosts.reconnect("Municipality")
    assert unreachable.returncode == 1
    assert "cannot fetch the first block of channel kadaster: orderer0 at " in unreachable.stderr
    synced_with(officer, registrar, "kadaster", timeout=180)  # the Municipality's peer caught up
    for parcel in parcels:
        assert officer.get(f"/v1/registry/parcels/{parcel['id']}").status_code == 200


def test_a_fourth_member_joins_a_running_channel_by_files_and_signatures(consortium, tmp_path):
    """Groningen, a second municipality, joins kindpakket: the members agree on a consortium file
    that has it, exchange definitions, the Municipality proposes the config update and signs it, the
    Merchants sign and submit it, each on its own host; Groningen fetches block 0, starts its own
    nodes and approves the chaincode in force. Who must endorse a payment does not change."""
    members = consortium
    existing = list(members.names)
    data = yaml.safe_load(members.file.read_text())
    data["organizations"].append({
        "name": "Groningen", "msp_id": "GroningenMSP", "domain": "groningen.grootboek.nl",
        "host": members.hosts["Groningen"].address,
        "peers": [{"name": "peer0", "port": 10051, "chaincode_port": 10052, "operations_port": 10448}],
        "ca": {"port": 10054, "operations_port": 10458}})
    kindpakket = next(c for c in data["channels"] if c["name"] == "kindpakket")
    kindpakket["organizations"].append("Groningen")
    kindpakket["chaincodes"][0]["servers"]["Groningen"] = 10060
    members.file = tmp_path / "consortium.yaml"
    members.file.write_text(yaml.safe_dump(data))
    members.states["Groningen"] = tmp_path / "state"

    sent = members.root / "Groningen.definition.json"
    members.ok("Groningen", "definition", "export", "--output", str(sent))
    for member in existing:
        members.ok(member, "definition", "import", str(sent), "--accept", definitions.load(sent).ca_fingerprint)
        theirs = members.root / f"{member}.definition.json"
        members.ok("Groningen", "definition", "import", str(theirs), "--accept", definitions.load(theirs).ca_fingerprint)

    update = tmp_path / "groningen.update"
    members.ok("Municipality", "org", "add", "Groningen", "--channel", "kindpakket", "--output", str(update))
    alone = members.grootboek("Municipality", "channel", "update", "submit", str(update))
    assert alone.returncode == 1 and "not signed by enough admins" in alone.stderr
    members.ok("Merchants", "channel", "update", "sign", str(update))
    members.ok("Merchants", "channel", "update", "submit", str(update))

    members.ok("Groningen", "channel", "join", "kindpakket", "--accept", members.told["kindpakket"])
    members.ok("Groningen", "up")
    [budgets] = json.loads(members.ok("Groningen", "chaincode", "list", "--json"))
    assert budgets["committed_sequence"] == 1 and budgets["approvals"]["GroningenMSP"] is True
    assert budgets["installed"] == {"peer0.groningen": True}

    def height(member: str, peer: str) -> int:
        nodes = json.loads(members.ok(member, "status", "--json"))
        return next(n["heights"].get("kindpakket", 0) for n in nodes if n["name"] == peer)

    wait_for(lambda: height("Groningen", "peer0.groningen") >= height("Merchants", "peer0.merchants"),
             "Groningen's peer caught up on kindpakket", timeout=120, interval=1.0)
    # Payments still need the Municipality and the Merchants only (the chaincode's explicit policy).
    pay_and_transfer(members)


def test_the_members_upgrade_a_chaincode_each_from_its_own_host(consortium, tmp_path):
    """budgets 1.1 at sequence 2: each member of kindpakket deploys it on its own host (installs,
    restarts its chaincode server, approves); the last to approve commits; payments go on after."""
    members = consortium
    data = yaml.safe_load(members.file.read_text())
    kindpakket = next(c for c in data["channels"] if c["name"] == "kindpakket")
    kindpakket["chaincodes"][0].update(version="1.1", sequence=2)
    members.file = tmp_path / "consortium.yaml"
    members.file.write_text(yaml.safe_dump(data))
    deployers = kindpakket["organizations"]
    for member in deployers[:-1]:
        out = members.grootboek(member, "chaincode", "deploy")
        assert out.returncode == 0, out.stderr
        assert "chaincode kindpakket/budgets waits for the approval of" in out.stderr
    members.ok(deployers[-1], "chaincode", "deploy")
    for member in deployers:
        [budgets] = json.loads(members.ok(member, "chaincode", "status", "budgets", "--json"))
        assert (budgets["committed_version"], budgets["committed_sequence"]) == ("1.1", 2)
        assert budgets["package_id"].startswith("budgets_1.1:") and all(budgets["installed"].values())
    pay_and_transfer(members)
