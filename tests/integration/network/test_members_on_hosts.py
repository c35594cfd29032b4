"""A consortium of members that each run their own organisation on their own host, with only their
own keys: the orderer organisation, the Municipality, the Registry and the Merchants each in a
network namespace of their own on a bridge (tests/integration/network/hosts.py), each driven by its
own `grootboek --org NAME` on its own state directory. What they exchange are files: definitions
(accepted by CA fingerprint), the channel creator's genesis blocks (accepted by sha256); each
member's peers join with block 0 fetched from an orderer, and each member approves the
chaincodes for itself."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from grootboek.chaincode.registry.domain.statements import StatementType
from grootboek.network.config import consortium as consortium_file
from grootboek.network.config import definitions
from grootboek.network.nodes.network import Network
from grootboek.network.nodes.readiness import wait_for

from ..api.budgets_world import Holder, open_scheme, register_shops
from ..api.commits import committed_on
from ..api.conftest import prepare_gateways
from ..api.parties import Party, designation, parcel_id
from .hosts import Hosts

MEMBERS = ("Orderer", "Municipality", "Registry", "Merchants")
CREATOR = "Municipality"  # builds the channels' genesis blocks
GROOTBOOK = [sys.executable, str(Path(sys.executable).parent / "grootboek")]


@dataclass
class Consortium:
    hosts: Hosts
    file: Path
    states: dict[str, Path]
    networks: dict[str, Network]
    gateways: dict

    def grootboek(self, member: str, *args: str, state: str | None = None) -> subprocess.CompletedProcess:
        """`grootboek --org MEMBER ARGS` on the member's host, on its state directory (or `state`'s)."""
        argv = [*GROOTBOOK, "-c", str(self.file), "--state-dir", str(self.states[state or member]),
                "--org", member, *args]
        return subprocess.run(self.hosts[member].command(argv), capture_output=True, text=True, timeout=600)

    def ok(self, member: str, *args: str) -> str:
        done = self.grootboek(member, *args)
        assert done.returncode == 0, f"grootboek --org {member} {' '.join(args)}:\n{done.stderr}"
        return done.stdout


@pytest.fixture(scope="module")
def consortium(tmp_path_factory):
    root = tmp_path_factory.mktemp("members")
    with Hosts(MEMBERS) as hosts:
        data = yaml.safe_load(consortium_file.DEFAULT_FILE.read_text())
        data["orderer_organization"]["host"] = hosts["Orderer"].address
        for org in data["organizations"]:
            org["host"] = hosts[org["name"]].address
        file = root / "consortium.yaml"
        file.write_text(yaml.safe_dump(data))
        members = Consortium(hosts, file, {m: root / "state" / m for m in MEMBERS}, {}, {})
        try:
            bring_up(members, root)
            members.networks = {m: Network.from_state(members.states[m]) for m in MEMBERS}
            members.gateways = prepare_gateways(members.networks)
            register_shops(members.gateways)
            yield members
        finally:
            for member in MEMBERS:
                members.grootboek(member, "down")


def bring_up(members: Consortium, root: Path) -> None:
    """The members' steps, in order, each on its own host; the test carries the files between them
    (and plays the phone call that confirms a fingerprint)."""
    sent = {}
    for member in MEMBERS:
        sent[member] = root / f"{member}.definition.json"
        members.ok(member, "definition", "export", "--output", str(sent[member]))
    for member in MEMBERS:
        for other in set(MEMBERS) - {member}:
            fingerprint = definitions.load(sent[other]).ca_fingerprint
            members.ok(member, "definition", "import", str(sent[other]), "--accept", fingerprint)

    channels = [c["name"] for c in yaml.safe_load(members.file.read_text())["channels"]]
    told = {}
    for channel in channels:
        summary = json.loads(members.ok(CREATOR, "channel", "genesis", channel, "--json"))
        told[channel] = summary["sha256"]
    blocks = {c: members.states[CREATOR] / "channels" / f"{c}.block" for c in channels}

    # The orderer organisation joins its orderers with the creator's files; the others fetch block 0.
    for channel in channels:
        members.ok("Orderer", "channel", "join", channel, "--block", str(blocks[channel]), "--accept", told[channel])
    members.ok("Orderer", "up")
    organizations = {o["name"]: o for o in yaml.safe_load(members.file.read_text())["organizations"]}
    for member in organizations:
        for channel in yaml.safe_load(members.file.read_text())["channels"]:
            if member in channel["organizations"]:
                fetched = json.loads(members.ok(member, "channel", "join", channel["name"], "--accept",
                                                told[channel["name"]], "--json"))
                assert fetched["sha256"] == told[channel["name"]]
    with ThreadPoolExecutor(len(organizations)) as pool:
        for output in pool.map(lambda m: members.ok(m, "up"), organizations):
            assert output is not None
    # Whoever approved last may have found the others' approvals not yet in: any member commits
    # once every approval is in.
    members.ok(CREATOR, "chaincode", "deploy")
    listing = json.loads(members.ok("Registry", "chaincode", "list", "--json"))
    assert {(c["channel"], c["name"], c["committed_sequence"]) for c in listing} >= {("kadaster", "registry", 1)}


def test_a_payment_and_a_registry_transfer_commit_across_the_hosts(consortium):
    gateways = consortium.gateways
    officer, bike = gateways["Municipality"].client("officer"), gateways["Merchants"].client("fietsenwinkel")
    holder = Holder(officer, open_scheme(officer, bike), bike)
    paid = bike.post("/v1/budgets/payments", {"budget_id": holder.budget_id, "amount": 1500,
                                              "category": "bicycles", "code": holder.code()})
    assert paid.status_code == 201, paid.text
    committed_on(officer, "kindpakket", paid)
    balance = officer.get(f"/v1/budgets/budgets/{holder.budget_id}/balance")
    assert balance.json()["balance"] == 25_000 - 1500, balance.text

    registrar = gateways["Registry"].client("registrar")
    parcel = register_parcel(registrar)
    ann, bob = parcel["owner"], Party(registrar)
    terms = {"parcel_id": parcel["id"], "sellers": [ann.id], "buyers": [{"party": bob.id, "share": "1/1"}],
             "price_cents": 30_000_000}
    opened = registrar.post("/v1/registry/transfers",
                            {"terms": terms, "consents": [ann.sign(StatementType.TRANSFER_CONSENT, terms)]})
    assert opened.status_code == 201, opened.text
    transfer = opened.json()["id"]
    acceptance = {"transfer_id": transfer, "parcel_id": parcel["id"]}
    accepted = registrar.post(f"/v1/registry/transfers/{transfer}/accept",
                              {"acceptances": [bob.sign(StatementType.TRANSFER_ACCEPTANCE, acceptance)]})
    assert accepted.json()["status"] == "accepted", accepted.text
    recorded = registrar.post(f"/v1/registry/transfers/{transfer}/record")
    assert recorded.json()["ownership"]["owners"] == [{"party": bob.id, "share": "1/1"}], recorded.text
    # The municipality's peer, on another host, has it too.
    committed_on(gateways["Municipality"].client("officer"), "kadaster", recorded)


def register_parcel(registrar) -> dict:
    owner = Party(registrar)
    land = designation()
    created = registrar.post("/v1/registry/parcels", {"designation": land, "area_m2": 500,
                                                      "owners": [{"party": owner.id, "share": "1/1"}]})
    assert created.status_code == 201, created.text
    return {"id": parcel_id(land), "owner": owner, "response": created}


PEM = re.compile(rb"-----BEGIN ([A-Z ]+)-----[A-Za-z0-9+/=\s]+?-----END \1-----")


def pem_blocks(state: Path, kind: bytes) -> Iterator[tuple[bytes, Path]]:
    """Every PEM block of `kind` in the files of a state directory (also inside JSON, YAML and
    databases, with escaped line ends), and the file it is in."""
    for path in state.rglob("*"):
        if path.is_file() and path.stat().st_size < 5_000_000:
            data = path.read_bytes().replace(b"\\n", b"\n")
            for match in PEM.finditer(data):
                if match.group(1).endswith(kind):
                    yield match.group(0), path


def public(key) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def private_key(pem: bytes):
    try:
        return serialization.load_pem_private_key(pem, password=None)
    except ValueError:  # the CA's Idemix revocation key: an EC (SEC 1) key under a PKCS #8 label
        return serialization.load_pem_private_key(pem.replace(b" PRIVATE KEY-", b" EC PRIVATE KEY-"), password=None)


def private_keys(state: Path) -> dict[bytes, Path]:
    """Every private key in a state directory, by its public key."""
    return {public(private_key(pem).public_key()): path for pem, path in pem_blocks(state, b"PRIVATE KEY")}


def certificates(state: Path) -> set[bytes]:
    """The public key of every certificate in a state directory."""
    return {public(x509.load_pem_x509_certificate(pem).public_key()) for pem, _ in pem_blocks(state, b"CERTIFICATE")}


def test_no_member_holds_another_members_private_key(consortium):
    own = {m: certificates(consortium.states[m] / "crypto" / m) for m in MEMBERS}
    for member in MEMBERS:
        keys = private_keys(consortium.states[member])
        assert keys, f"{member} holds no private key at all"
        for other in set(MEMBERS) - {member}:
            leaked = [str(keys[k]) for k in keys.keys() & own[other]]
            assert not leaked, f"{member}'s state holds {other}'s private keys: {leaked}"


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
        height = registrar.get("/v1/channels/kadaster/height").json()["height"]
    finally:
        consortium.hosts.reconnect("Municipality")
    assert height > 0
    wait_for(lambda: officer.get("/v1/channels/kadaster/height").json()["height"] >= height,
             "the Municipality's peer caught up on kadaster", timeout=180, interval=1.0)
    for parcel in parcels:
        assert officer.get(f"/v1/registry/parcels/{parcel['id']}").status_code == 200
