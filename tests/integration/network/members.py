"""A consortium whose members each run their own organisation on a host of their own (a network
namespace on a test bridge, tests/integration/network/hosts.py), each driven by its own
`grootboek --org NAME` on its own state directory. What they exchange are files: definitions
(accepted by CA fingerprint) and the channel creator's genesis blocks (accepted by sha256); the
members that run orderers join them with the creator's file, the others' peers join with block 0
fetched from an orderer; each member approves the chaincodes for itself."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from grootboek.chaincode.registry.domain.statements import StatementType
from grootboek.network.config import consortium as consortium_file
from grootboek.network.config import definitions
from grootboek.network.nodes.network import Network

from ..api.budgets_world import Holder, open_scheme, register_shops
from ..api.commits import committed_on
from ..api.conftest import prepare_gateways
from ..api.parties import Party, designation, parcel_id
from .hosts import Hosts

CREATOR = "Municipality"  # builds the channels' genesis blocks
GROOTBOOK = [sys.executable, str(Path(sys.executable).parent / "grootboek")]


@dataclass
class Members:
    hosts: Hosts
    file: Path
    states: dict[str, Path]
    root: Path
    told: dict[str, str] = field(default_factory=dict)
    """Each channel's genesis block sha256, as its creator told the members."""
    networks: dict[str, Network] = field(default_factory=dict)
    gateways: dict = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return list(self.states)

    def grootboek(self, member: str, *args: str, state: str | None = None,
                  env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """`grootboek --org MEMBER ARGS` on the member's host, on its state directory (or `state`'s)."""
        argv = [*GROOTBOOK, "-c", str(self.file), "--state-dir", str(self.states[state or member]),
                "--org", member, *args]
        return subprocess.run(self.hosts[member].command(argv), capture_output=True, text=True, timeout=600,
                              env={**os.environ, **(env or {})})

    def ok(self, member: str, *args: str, env: dict[str, str] | None = None) -> str:
        done = self.grootboek(member, *args, env=env)
        assert done.returncode == 0, f"grootboek --org {member} {' '.join(args)}:\n{done.stderr}"
        return done.stdout


@contextmanager
def running(root: Path, template: Path, last: str | None = None, spare: Sequence[str] = ()) -> Iterator[Members]:
    """The consortium of `template` with each member on a host of its own, up, with the REST
    gateways' users and shops ready; every member's nodes stopped and the hosts removed after.
    `last`: an orderer-running member started after the others, so it does not lead Raft;
    `spare`: hosts for members that join later."""
    data = yaml.safe_load(template.read_text())
    consortium = consortium_file.parse(data)
    names = consortium.member_names
    with Hosts([*names, *spare]) as hosts:
        if data.get("orderer_organization"):
            data["orderer_organization"]["host"] = hosts[data["orderer_organization"]["name"]].address
        for org in data["organizations"]:
            org["host"] = hosts[org["name"]].address
        file = root / "consortium.yaml"
        file.write_text(yaml.safe_dump(data))
        members = Members(hosts, file, {m: root / "state" / m for m in names}, root)
        try:
            bring_up(members, root, last)
            members.networks = {m: Network.from_state(members.states[m]) for m in names}
            members.gateways = prepare_gateways(members.networks)
            register_shops(members.gateways)
            yield members
        finally:
            for member in members.names:
                members.grootboek(member, "down")


def bring_up(members: Members, root: Path, last: str | None) -> None:
    """The members' steps, in order, each on its own host; the test carries the files between them
    (and plays the phone call that confirms a fingerprint or a sha256)."""
    consortium = consortium_file.load(members.file)
    sent = {}
    for member in members.names:
        sent[member] = root / f"{member}.definition.json"
        members.ok(member, "definition", "export", "--output", str(sent[member]))
    for member in members.names:
        for other in set(members.names) - {member}:
            fingerprint = definitions.load(sent[other]).ca_fingerprint
            members.ok(member, "definition", "import", str(sent[other]), "--accept", fingerprint)

    told = members.told
    for channel in consortium.channels:
        summary = json.loads(members.ok(CREATOR, "channel", "genesis", channel.name, "--json"))
        told[channel.name] = summary["sha256"]

    def channels_of(member: str) -> list[str]:
        return [c.name for c in consortium.channels
                if member in c.organizations or any(o in consortium.member(member).orderers
                                                    for o in consortium.channel_orderers(c))]

    def start(member: str) -> None:
        ordering = bool(consortium.member(member).orderers)
        for channel in channels_of(member):
            # An orderer joins with the creator's file; a member without one fetches block 0.
            block = ["--block", str(members.states[CREATOR] / "channels" / f"{channel}.block")] if ordering else []
            fetched = json.loads(members.ok(member, "channel", "join", channel, *block, "--accept", told[channel],
                                            "--json"))
            assert fetched["sha256"] == told[channel]
        members.ok(member, "up")

    ordering = [o.name for o in consortium.ordering_organizations]
    waves = [[m for m in ordering if m != last],
             [m for m in members.names if m not in ordering or m == last]]
    for wave in waves:
        with ThreadPoolExecutor(len(wave)) as pool:
            list(pool.map(start, wave))
    # Members that approved at the same time may each have found the other's approval not yet
    # in: any member commits once every approval is in.
    members.ok(CREATOR, "chaincode", "deploy")
    listing = json.loads(members.ok("Registry", "chaincode", "list", "--json"))
    assert {(c["channel"], c["name"], c["committed_sequence"]) for c in listing} == {("kadaster", "registry", 1)}


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


def pay_and_transfer(members) -> None:
    """A Kindpakket payment (the Merchants' till, the Municipality's budget) and a registry
    transfer (the Registry's), each seen committed on another member's peer."""
    gateways = members.gateways
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
    committed_on(officer, "kadaster", recorded)


def no_private_key_of_another(members) -> None:
    own = {m: certificates(members.states[m] / "crypto" / m) for m in members.names}
    for member in members.names:
        keys = private_keys(members.states[member])
        assert keys, f"{member} holds no private key at all"
        for other in set(members.names) - {member}:
            leaked = [str(keys[k]) for k in keys.keys() & own[other]]
            assert not leaked, f"{member}'s state holds {other}'s private keys: {leaked}"
