"""The channel's creator builds its genesis block from the definitions the members sent (real
configtxgen, no network needed), and every member can read in the block what it must check: the
organisations with their CA fingerprints, the consenters at their hosts with their TLS
fingerprints, and the file's sha256."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from cryptography import x509

from grootboek import cli
from grootboek.network.config import consortium as consortium_file
from grootboek.network.config import definitions
from grootboek.network.config.crypto import fingerprint
from grootboek.network.config.layout import Layout
from grootboek.network.nodes.network import Network


def fingerprint_of(pem: str) -> str:
    return fingerprint(x509.load_pem_x509_certificate(pem.encode()))


HOSTS = {"Orderer": "10.77.0.5", "Municipality": "10.77.0.2", "Registry": "10.77.0.3", "Merchants": "10.77.0.4"}


@pytest.fixture(scope="module")
def members(tmp_path_factory) -> dict:
    """Each member's state after exporting and exchanging definitions: the orderer organisation
    (the creator) imported everyone's, the others only the orderer organisation's."""
    root = tmp_path_factory.mktemp("members")
    data = yaml.safe_load(consortium_file.DEFAULT_FILE.read_text())
    data["orderer_organization"]["host"] = HOSTS["Orderer"]
    for org in data["organizations"]:
        org["host"] = HOSTS[org["name"]]
    file = root / "consortium.yaml"
    file.write_text(yaml.safe_dump(data))
    consortium = consortium_file.load(file)
    exported = {}
    for name in HOSTS:
        network = Network(consortium, root / name)
        network.create_crypto(name)
        exported[name] = definitions.parse(definitions.export(network.layout, name), name)
    for importer, others in [("Orderer", ["Municipality", "Registry", "Merchants"]),
                             ("Municipality", ["Orderer"]), ("Registry", ["Orderer"])]:
        for other in others:
            definition = exported[other]
            definitions.accept(definition, Layout(consortium, root / importer), importer, other,
                               definition.ca_fingerprint)
    return {"root": root, "file": file, "definitions": exported}


def run(capsys, members: dict, member: str | None, *argv: str) -> tuple[int, str, str]:
    org = ["--org", member] if member else []
    code = cli.main(["-c", str(members["file"]), "-s", str(members["root"] / (member or "Municipality")), *org, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_creator_builds_the_genesis_block_from_the_members_definitions(members, capsys):
    code, out, err = run(capsys, members, "Orderer", "channel", "genesis", "kindpakket", "--json")
    assert code == 0, err
    summary = json.loads(out)
    sent = members["definitions"]
    assert summary["channel"] == "kindpakket" and summary["block"] == 0
    assert {o["name"]: o["certificates"] for o in summary["organizations"]} == {
        name: {"ca": [sent[name].ca_fingerprint], "tls_ca": [fingerprint_of(sent[name].document["tls_ca"])]}
        for name in ("Municipality", "Merchants")}
    assert [o["anchor_peers"] for o in summary["organizations"]] == [["10.77.0.4:9051"], ["10.77.0.2:7051"]]
    orderer = sent["Orderer"].document
    assert summary["consensus"]["consenter_tls"] == {
        endpoints[0]: fingerprint_of(node["tls"])
        for node in orderer["nodes"].values() for endpoints in [node["endpoints"]]}
    assert summary["orderer_organizations"][0]["certificates"]["ca"] == [sent["Orderer"].ca_fingerprint]
    assert "/Channel/Application/Admins" in summary["policies"]

    # A member reads the same from the file it was sent, and holds none of the others' keys.
    block = members["root"] / "Orderer" / "channels" / "kindpakket.block"
    received = members["root"] / "Municipality" / "received.block"
    shutil.copyfile(block, received)
    code, out, err = run(capsys, members, None, "channel", "block", str(received), "--json")
    assert code == 0, err
    assert json.loads(out) == summary
    for member in HOSTS:
        for other in set(HOSTS) - {member}:
            files = list((members["root"] / member / "crypto" / other).rglob("*"))
            assert not [f for f in files if f.name in ("key.pem", "priv_sk") or f.suffix == ".key"], (member, other)


def test_a_creator_missing_a_definition_is_told_which_to_import(members, capsys):
    code, _, err = run(capsys, members, "Registry", "channel", "genesis", "kadaster")
    assert code == 1
    assert "channel kadaster needs the definition of Municipality: import it with " \
           "`grootboek --org Registry definition import FILE`" in err
    assert not (members["root"] / "Registry" / "channels" / "kadaster.block").exists()


def test_a_file_that_is_not_a_config_block_is_refused(members, capsys, tmp_path: Path):
    junk = tmp_path / "junk.block"
    junk.write_bytes(b"\x01\x02not a block")
    code, _, err = run(capsys, members, None, "channel", "block", str(junk))
    assert code == 1 and f"{junk}: not a channel configuration block" in err
