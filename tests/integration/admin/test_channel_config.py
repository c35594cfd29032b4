"""Reading and updating channel configuration on the shared network (changes here leave the
network working as before: batch settings are restored, ACLs set to Fabric's defaults)."""
from __future__ import annotations

import json
import subprocess
import time
from functools import partial

import pytest
import yaml
from fabric_protos.common import configtx_pb2
from fabric_protos.peer import configuration_pb2 as peer_config

from grootboek.network.admin.channel_admin import ChannelAdmin, ChannelAdminError
from grootboek.network.config import config_edits
from grootboek.network.config.channel_view import describe
from grootboek.network.config.config_update import compute_update
from grootboek.network.config.org_definition import application_org_group


def test_show_summarises_the_channel_with_every_nodes_height(fabric, cli):
    shown = cli(fabric, "channel", "show", "kindpakket", "--json", "--policies")
    assert shown.returncode == 0, shown.stderr
    summary = json.loads(shown.stdout)
    assert {o["msp_id"] for o in summary["organizations"]} == {"MunicipalityMSP", "MerchantsMSP"}
    assert summary["consensus"]["consenters"] == [fabric.layout.address(o.port)
                                                  for o in fabric.consortium.orderer_organization.orderers]
    assert summary["capabilities"]["channel"] == ["V3_0"]
    assert summary["policies"]["/Channel/Application/Municipality/Admins"] == "OR('MunicipalityMSP.admin')"
    assert set(summary["heights"]) == {"orderer0", "orderer1", "orderer2", "peer0.municipality", "peer0.merchants"}
    assert all(height >= 1 for height in summary["heights"].values())


def test_config_is_fabrics_own_json_or_yaml(fabric, cli):
    as_json = cli(fabric, "channel", "config", "kadaster")
    as_yaml = cli(fabric, "channel", "config", "kadaster", "--format", "yaml")
    assert as_json.returncode == 0 and as_yaml.returncode == 0, as_json.stderr + as_yaml.stderr
    document = json.loads(as_json.stdout)
    assert yaml.safe_load(as_yaml.stdout) == document
    organizations = document["channel_group"]["groups"]["Application"]["groups"]
    assert set(organizations) == {"Registry", "Municipality"}
    assert organizations["Registry"]["values"]["MSP"]["value"]["config"]["name"] == "RegistryMSP"


def test_our_config_update_is_the_one_configtxlator_computes(fabric, tmp_path):
    original = ChannelAdmin(fabric).config("kindpakket")
    updated = configtx_pb2.Config()
    updated.CopyFrom(original)
    config_edits.set_batch(updated, timeout="1s", max_message_count=7)
    config_edits.set_anchor_peers(updated, "Merchants", [("127.0.0.1", 1), ("127.0.0.1", 2)])
    registry = fabric.consortium.organization("Registry")
    config_edits.add_application_organization(updated, "Registry",
                                              application_org_group(fabric.layout, registry, fabric.binaries))
    host, port = fabric.layout.address(fabric.consortium.orderer_organization.orderers[2].port).rsplit(":", 1)
    config_edits.remove_consenter(updated, host, int(port))
    config_edits.remove_orderer_endpoint(updated, "Orderer", f"{host}:{port}")
    (tmp_path / "original.pb").write_bytes(original.SerializeToString())
    (tmp_path / "updated.pb").write_bytes(updated.SerializeToString())
    subprocess.run([fabric.binaries["configtxlator"], "compute_update", "--channel_id", "kindpakket",
                    "--original", str(tmp_path / "original.pb"), "--updated", str(tmp_path / "updated.pb"),
                    "--output", str(tmp_path / "update.pb")], check=True, capture_output=True)

    theirs = configtx_pb2.ConfigUpdate.FromString((tmp_path / "update.pb").read_bytes())
    assert compute_update("kindpakket", original, updated) == theirs


def test_batch_settings_change_in_a_verified_config_block_and_back(fabric, cli):
    before = describe(ChannelAdmin(fabric).config("kindpakket"))["batch"]
    try:
        changed = cli(fabric, "channel", "batch", "kindpakket", "--timeout", "400ms", "--max-message-count", "40")
        assert changed.returncode == 0, changed.stderr
        assert "signed by the admins of Orderer" in changed.stderr
        assert "carries the change" in changed.stderr
        after = describe(ChannelAdmin(fabric).config("kindpakket"))["batch"]
        assert (after["timeout"], after["max_message_count"]) == ("400ms", 40)

        again = cli(fabric, "channel", "batch", "kindpakket", "--timeout", "400ms")
        assert again.returncode == 0 and "already so" in again.stderr
    finally:
        ChannelAdmin(fabric).update("kindpakket", partial(config_edits.set_batch, timeout=before["timeout"],
                                                         max_message_count=before["max_message_count"]),
                                    "restoring batch settings")
    assert describe(ChannelAdmin(fabric).config("kindpakket"))["batch"] == before


def test_a_lone_transaction_waits_a_25th_of_the_batch_timeout_not_all_of_it(fabric, connect_as):
    """Our orderers batch adaptively (network/fabric/pins.yaml): after a block of one transaction
    the leader waits a 25th of the batch timeout for more. At 20 s a stock orderer would hold a
    lone transaction 20 s; ours cuts its block after 0.8 s."""
    before = describe(ChannelAdmin(fabric).config("kindpakket"))["batch"]
    admin = ChannelAdmin(fabric)
    try:
        # The config update is a block of its own (one transaction): the next batch waits 20 s / 25.
        admin.update("kindpakket", partial(config_edits.set_batch, timeout="20s"), "a long batch timeout")
        with connect_as(fabric, "Municipality") as gateway:
            begun = time.monotonic()
            gateway.network("kindpakket").contract("conformance").submit("State:put", ["lone", "waited"])
            waited = time.monotonic() - begun
        assert 0.8 <= waited < 10, f"a lone transaction took {waited:.2f} s with a 20 s batch timeout"
    finally:
        admin.update("kindpakket", partial(config_edits.set_batch, timeout=before["timeout"]),
                     "restoring the batch timeout")
    assert describe(ChannelAdmin(fabric).config("kindpakket"))["batch"] == before


def test_anchor_peers_already_as_asked_change_nothing_and_unknown_peers_are_refused(fabric, cli):
    same = cli(fabric, "channel", "anchor-peers", "kindpakket", "Merchants", "--peer", "peer0")
    assert same.returncode == 0, same.stderr
    assert "already so" in same.stderr
    unknown = cli(fabric, "channel", "anchor-peers", "kindpakket", "Merchants", "--peer", "peer7")
    assert unknown.returncode == 1 and "Merchants has peers peer0; got peer7" in unknown.stderr


def default_acl(config: configtx_pb2.Config) -> None:
    """An ACL equal to Fabric's default: changes nothing, but is a change to the application group,
    which a majority of its organisations' admins must sign."""
    acls = peer_config.ACLs(acls={"qscc/GetChainInfo": peer_config.APIResource(
        policy_ref="/Channel/Application/Readers")})
    config.channel_group.groups["Application"].values["ACLs"].CopyFrom(
        configtx_pb2.ConfigValue(mod_policy="Admins", value=acls.SerializeToString()))


def test_an_update_signed_offline_by_two_organisations(fabric, cli, tmp_path):
    path = tmp_path / "acl-update.pb"
    ChannelAdmin(fabric).prepare("kadaster", default_acl).save(path)

    shown = json.loads(cli(fabric, "channel", "update", "show", str(path), "--json").stdout)
    assert shown["changes"] == ["group /Channel/Application", "value /Channel/Application/ACLs"]
    assert shown["still_needs"] == ["/Channel/Application/Admins (MAJORITY Admins of Municipality, Registry)"]

    first = cli(fabric, "channel", "update", "sign", str(path), "--org", "Registry")
    assert first.returncode == 0, first.stderr
    refused = cli(fabric, "channel", "update", "submit", str(path))
    assert refused.returncode == 1
    assert "not signed by enough admins" in refused.stderr and "RegistryMSP.admin" in refused.stderr

    # The other organisation's admin signs with nothing but its MSP directory (another machine).
    msp = fabric.layout.admin_dir("Municipality") / "msp"
    second = cli(fabric, "channel", "update", "sign", str(path), "--msp-dir", str(msp), "--msp-id", "MunicipalityMSP")
    assert second.returncode == 0, second.stderr
    submitted = cli(fabric, "channel", "update", "submit", str(path))
    assert submitted.returncode == 0, submitted.stderr
    assert "carries the update" in submitted.stdout

    config = ChannelAdmin(fabric).config("kadaster")
    assert "ACLs" in config.channel_group.groups["Application"].values


def test_an_update_prepared_on_a_config_that_has_since_changed_is_refused_by_the_orderer(fabric):
    admin = ChannelAdmin(fabric)
    timeout = describe(admin.config("kadaster"))["batch"]["timeout"]
    first = admin.prepare("kadaster", partial(config_edits.set_batch, max_message_count=60))
    stale = admin.prepare("kadaster", partial(config_edits.set_batch, max_message_count=70))
    for transaction in (first, stale):
        admin.sign(transaction)
    admin.submit(first)
    with pytest.raises(ChannelAdminError, match="refused the update"):
        admin.submit(stale)
    admin.update("kadaster", partial(config_edits.set_batch, timeout=timeout,
                                     max_message_count=fabric.consortium.orderer_organization.batch.max_message_count),
                 "restoring batch settings")
