"""Members exchange public definitions only: each creates its own keys in its own state directory,
exports a signed definition, and imports the others' after checking them and accepting each by its
CA fingerprint; no state directory ends up with another member's private key. Bad definitions
(malformed, tampered, signed by another organisation, naming hosts the consortium file does not
give) are refused saying so."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from grootboek import cli
from grootboek.network.config import consortium as consortium_file
from grootboek.network.config import definitions

MEMBERS = ["Orderer", "Municipality", "Registry", "Merchants"]
HOSTS = {"Orderer": "10.77.0.5", "Municipality": "10.77.0.2", "Registry": "10.77.0.3", "Merchants": "10.77.0.4"}


def consortium_data() -> dict:
    data = yaml.safe_load(consortium_file.DEFAULT_FILE.read_text())
    data["orderer_organization"]["host"] = HOSTS["Orderer"]
    for org in data["organizations"]:
        org["host"] = HOSTS[org["name"]]
    return data


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


class Members:
    """One state directory and one definition file per member, all from one consortium file."""

    def __init__(self, root: Path, capsys):
        self.root = root
        self.capsys = capsys
        self.file = root / "consortium.yaml"
        self.file.write_text(yaml.safe_dump(consortium_data()))

    def state(self, member: str) -> Path:
        return self.root / "state" / member

    def definition(self, member: str) -> Path:
        return self.root / f"{member}.json"

    def run(self, member: str | None, *argv: str, consortium: Path | None = None) -> tuple[int, str, str]:
        org = ["--org", member] if member else []
        return run(self.capsys, "-c", str(consortium or self.file), "-s", str(self.state(member or "none")),
                   *org, *argv)

    def export(self, member: str) -> str:
        code, out, err = self.run(member, "definition", "export", "-o", str(self.definition(member)))
        assert code == 0, err
        return definitions.load(self.definition(member)).ca_fingerprint

    def import_(self, member: str, other: str, *extra: str, path: Path | None = None) -> tuple[int, str, str]:
        return self.run(member, "definition", "import", str(path or self.definition(other)), *extra)


@pytest.fixture
def members(tmp_path: Path, capsys) -> Members:
    return Members(tmp_path, capsys)


def private_keys(root: Path) -> list[tuple[Path, bytes]]:
    found = []
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (ValueError, TypeError):
            continue
        found.append((path, key.public_key().public_bytes(serialization.Encoding.DER,
                                                          serialization.PublicFormat.SubjectPublicKeyInfo)))
    return found


def certificate_keys(root: Path) -> set[bytes]:
    keys = set()
    for path in root.rglob("*"):
        if path.is_file() and b"BEGIN CERTIFICATE" in path.read_bytes()[:100]:
            cert = x509.load_pem_x509_certificate(path.read_bytes())
            keys.add(cert.public_key().public_bytes(serialization.Encoding.DER,
                                                    serialization.PublicFormat.SubjectPublicKeyInfo))
    return keys


def test_members_exchange_definitions_and_keep_their_keys_to_themselves(members: Members):
    fingerprints = {member: members.export(member) for member in MEMBERS}
    code, out, err = members.import_("Orderer", "Municipality")
    assert code == 1  # shown, not yet accepted
    assert f"CA          {fingerprints['Municipality']}" in out
    assert f"--accept {fingerprints['Municipality']}" in err
    assert not (members.state("Orderer") / "crypto" / "Municipality").exists()
    for member in MEMBERS:
        for other in MEMBERS:
            if other != member:
                code, out, err = members.import_(member, other, "--accept", fingerprints[other].lower())
                assert code == 0, err
                assert (members.state(member) / "crypto" / other / "msp" / "cacerts" / "ca.pem").exists()
    for member in MEMBERS:
        own = private_keys(members.state(member))
        assert own, member
        assert all(path.is_relative_to(members.state(member) / "crypto" / member) for path, _ in own)
        others = set().union(*(certificate_keys(members.state(o)) for o in MEMBERS if o != member))
        mine = certificate_keys(members.state(member) / "crypto" / member)
        assert {key for _, key in own} <= mine  # every key found is one of this member's certificates'
        assert not {key for _, key in own} & (others - mine)


def test_an_orderer_definition_names_each_orderer_with_its_tls_certificate_and_endpoints(members: Members):
    members.export("Orderer")
    summary = definitions.load(members.definition("Orderer")).summary()
    assert "orderer     orderer2.orderer.grootboek.nl at 10.77.0.5:7250, 10.77.0.5:7253" in summary
    code, out, _ = members.run(None, "definition", "show", str(members.definition("Orderer")))
    assert code == 0 and out.strip() == summary


def test_without_an_organisation_the_definition_commands_say_which_option_is_missing(members: Members):
    code, _, err = members.run(None, "definition", "export")
    assert code == 1 and "grootboek --org NAME definition" in err


def test_an_unknown_organisation_is_named(members: Members):
    code, _, err = members.run("Belastingdienst", "definition", "export")
    assert code == 1 and "no organisation 'Belastingdienst'" in err


@pytest.fixture
def exported(members: Members) -> Members:
    for member in ("Municipality", "Registry"):
        members.export(member)
    return members


def refused(members: Members, document: object, name: str = "bad.json") -> str:
    path = members.root / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    code, _, err = members.import_("Merchants", "", "--accept", "00", path=path)
    assert code == 1
    assert not (members.state("Merchants") / "crypto" / "Municipality").exists()
    return err


def municipality(members: Members) -> dict:
    return json.loads(members.definition("Municipality").read_text())


def test_a_malformed_definition_is_refused(exported: Members):
    assert "not an organisation definition (not JSON" in refused(exported, "{not json")
    assert 'expected "format": "grootboek-organization/1"' in refused(exported, {"format": "other"})
    document = municipality(exported)
    del document["tls_ca"]
    assert "not an organisation definition: missing 'tls_ca'" in refused(exported, document)


def test_a_definition_changed_after_signing_is_refused(exported: Members):
    document = municipality(exported)
    document["anchor_peers"] = ["10.66.6.6:7051"]
    assert "the signature does not match the content" in refused(exported, document)


def test_a_definition_signed_by_another_organisation_is_refused(exported: Members):
    document = municipality(exported)
    registry_admin = exported.state("Registry") / "crypto" / "Registry" / "users" / "admin" / "msp"
    key = serialization.load_pem_private_key((registry_admin / "keystore" / "priv_sk").read_bytes(), None)
    signer = (registry_admin / "signcerts" / "cert.pem").read_text()
    content = {k: v for k, v in document.items() if k != "signature"}
    content["admins"] = [*content["admins"], signer]  # even listed among the admins
    signature = key.sign(json.dumps(content, sort_keys=True, separators=(",", ":")).encode(),
                         ec.ECDSA(hashes.SHA256()))
    forged = {**content, "signature": {"signer": signer, "value": base64.b64encode(signature).decode()}}
    assert "not signed by Municipality: the signer (admin@kadaster.grootboek.nl) is not an admin of " \
           "Municipality's CA" in refused(exported, forged)


def test_a_definition_naming_a_host_the_consortium_file_does_not_give_is_refused(exported: Members):
    data = consortium_data()
    data["organizations"][0]["host"] = "10.77.0.99"
    moved = exported.root / "moved.yaml"
    moved.write_text(yaml.safe_dump(data))
    code, _, err = exported.run("Merchants", "definition", "import", str(exported.definition("Municipality")),
                                consortium=moved)
    assert code == 1
    assert ("peer0.gemeente.grootboek.nl is at 10.77.0.2:7051 here, but at 10.77.0.99:7051 in the consortium "
            "file (unknown host?)") in err


def test_a_wrong_fingerprint_or_ones_own_definition_is_refused(exported: Members):
    code, _, err = exported.import_("Merchants", "Municipality", "--accept", "AB:CD")
    assert code == 1 and "the fingerprint given is not this CA's" in err
    fingerprint = definitions.load(exported.definition("Municipality")).ca_fingerprint
    code, _, err = exported.import_("Municipality", "Municipality", "--accept", fingerprint)
    assert code == 1 and "this is Municipality's own definition" in err
