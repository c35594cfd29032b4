"""`grootboek api ...` admin commands work offline on the gateway's data dir."""
from __future__ import annotations

import argparse
import json

import pytest
import yaml

from grootboek.api import cli
from grootboek.api.__main__ import main
from grootboek.cli import main as grootboek_main
from grootboek.network.cli.support import CommandError


def run(capsys, *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_users_and_tokens_from_the_command_line(capsys, config, organisation):
    msp = str(organisation.user_dir("officer") / "msp")
    added = run(capsys, "user", "add", "officer", "--config", config, "--msp-dir", msp)
    assert "roles officer, reader" in added and "fabric id x509::" in added
    token = run(capsys, "token", "issue", "officer", "--config", config, "--label", "back office").strip()
    assert token.startswith("gbk_")
    tokens = json.loads(run(capsys, "token", "list", "--config", config, "--json"))
    assert [(t["user"], t["label"], t["active"]) for t in tokens] == [("officer", "back office", True)]
    revoked = run(capsys, "token", "revoke", tokens[0]["id"], "--config", config)
    assert revoked == f"revoked token {tokens[0]['id']} of user officer\n"
    again = run(capsys, "token", "revoke", tokens[0]["id"], "--config", config)
    assert again == f"token {tokens[0]['id']} was revoked already\n"
    assert json.loads(run(capsys, "token", "list", "--config", config, "--json"))[0]["active"] is False
    users = json.loads(run(capsys, "user", "list", "--config", config, "--json"))
    assert [(u["name"], u["roles"]) for u in users] == [("officer", ["officer", "reader"])]
    run(capsys, "token", "issue", "officer", "--config", config)
    removed = run(capsys, "user", "remove", "officer", "--config", config)
    assert removed == "removed user officer and its identity; its 1 active token(s) no longer work\n"
    assert json.loads(run(capsys, "user", "list", "--config", config, "--json")) == []


def test_mistakes_are_reported_without_a_traceback(capsys, config, organisation):
    msp = str(organisation.user_dir("shop") / "msp")
    assert main(["user", "add", "till", "--config", config, "--msp-dir", msp, "--role", "merchant"]) == 1
    assert main(["user", "add", "till", "--config", config, "--msp-dir", msp, "--role", "wizard"]) == 1
    assert main(["token", "issue", "ghost", "--config", config]) == 1
    errors = capsys.readouterr().err
    assert "merchant id" in errors and "wizard" in errors and "no user ghost" in errors
    assert "Traceback" not in errors


def test_an_identity_of_another_organisation_is_refused_naming_the_mismatch(capsys, tmp_path, organisation):
    from grootboek.network.config.crypto import OrgCrypto

    merchants = OrgCrypto(tmp_path / "Merchants", "winkeliers.example")
    merchants.create()
    merchants.add_user("shop7")
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"organization": "Municipality", "msp_id": "MunicipalityMSP",
                                    "msp_ca": str(organisation.root / "ca" / "cert.pem"),
                                    "connection_profile": "profile.json", "data_dir": "data"}))
    foreign = str(merchants.user_dir("shop7") / "msp")
    assert main(["user", "add", "till", "--config", str(path), "--msp-dir", foreign]) == 1
    error = capsys.readouterr().err
    assert "winkeliers.example" in error and "must be MunicipalityMSP identities" in error
    own = str(organisation.user_dir("officer") / "msp")
    assert "user officer: MunicipalityMSP" in run(capsys, "user", "add", "officer", "--config", str(path),
                                                  "--msp-dir", own)


def test_the_group_registers_under_grootboek():
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="group"))
    args = parser.parse_args(["api", "token", "issue", "officer", "--org", "Municipality"])
    assert args.handler is cli.cmd_token_issue and args.org == "Municipality"
    args.state_dir = "/state"
    assert str(cli.config_path(args)) == "/state/api/Municipality/config.yaml"
    with pytest.raises(CommandError):
        cli.cmd_token_issue(args)  # no such gateway configuration


def test_org_means_the_networks_gateway_and_its_generated_user(capsys, tmp_path):
    from grootboek.network.config import consortium as consortium_file
    from grootboek.network.config.layout import Layout

    state = tmp_path / "state"
    state.mkdir()
    consortium = consortium_file.load()
    (state / "consortium.yaml").write_text(yaml.safe_dump(consortium.model_dump(mode="json")))
    crypto = Layout(consortium, state).crypto("Municipality")
    crypto.create()
    crypto.add_user("officer", attributes={"role": "officer"})
    gateway = state / "api" / "Municipality"
    gateway.mkdir(parents=True)
    (gateway / "config.yaml").write_text(yaml.safe_dump({
        "organization": "Municipality", "msp_id": "MunicipalityMSP", "connection_profile": "p.json",
        "data_dir": "."}))
    assert grootboek_main(["-s", str(state), "api", "user", "add", "officer", "--org", "Municipality"]) == 0
    added = capsys.readouterr().out
    assert "roles officer, reader" in added and (gateway / "wallet" / "officer.id").exists()
