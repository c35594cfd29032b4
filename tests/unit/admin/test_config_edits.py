"""The edits administrators make, on a configtxgen-shaped config, and the summary `channel show`
prints; an edit that asks for what is already so changes nothing."""
from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from fabric_protos.orderer import configuration_pb2 as orderer_config

from grootboek.network.config import config_edits
from grootboek.network.config.channel_view import describe
from grootboek.network.config.config_edits import ConfigEditError, read_value
from grootboek.network.config.config_elements import guarding_policies
from grootboek.network.config.config_update import NoChanges, compute_update
from grootboek.network.config.crypto import Authority, fingerprint

from .channel_configs import config, copy, organization, tls_certificate


def edited(edit) -> tuple:
    original = config()
    updated = copy(original)
    edit(updated)
    return original, updated


def test_batch_settings():
    original, updated = edited(lambda c: config_edits.set_batch(c, timeout="500ms", max_message_count=10))
    assert describe(updated)["batch"] == {"timeout": "500ms", "max_message_count": 10,
                                          "absolute_max_bytes": 10_000_000, "preferred_max_bytes": 2_000_000}
    assert sorted(guarding_policies(original, compute_update("ch", original, updated))) == ["/Channel/Orderer/Admins"]


@pytest.mark.parametrize("settings, message", [
    ({"timeout": "soon"}, "not a duration"),
    ({"max_message_count": 0}, "at least 1"),
    ({"preferred_max_bytes": 20_000_000}, "exceeds absolute_max_bytes"),
])
def test_batch_settings_the_orderer_would_refuse_are_refused_here(settings, message):
    with pytest.raises(ConfigEditError, match=message):
        config_edits.set_batch(config(), **settings)


def test_the_same_batch_settings_again_change_nothing():
    original, updated = edited(lambda c: config_edits.set_batch(c, timeout="2s", max_message_count=100))
    with pytest.raises(NoChanges):
        compute_update("ch", original, updated)


def test_anchor_peers():
    _, updated = edited(lambda c: config_edits.set_anchor_peers(c, "Org2", [("127.0.0.1", 9051), ("h", 9151)]))
    org2 = next(o for o in describe(updated)["organizations"] if o["name"] == "Org2")
    assert org2["anchor_peers"] == ["127.0.0.1:9051", "h:9151"]
    with pytest.raises(ConfigEditError, match="has no group 'Org9'"):
        config_edits.set_anchor_peers(config(), "Org9", [])


def test_a_consenter_joins_the_raft_cluster_once():
    new_tls = tls_certificate("new")

    def add(c):
        config_edits.add_consenter(c, "127.0.0.1", 7350, new_tls)
        config_edits.add_consenter(c, "127.0.0.1", 7350, new_tls)

    original, updated = edited(add)
    summary = describe(updated)
    assert summary["consensus"]["consenters"] == [f"127.0.0.1:{p}" for p in (7050, 7150, 7250, 7350)]
    assert summary["orderer_organizations"] == describe(original)["orderer_organizations"]  # not listed yet
    added = config_edits.consenters(updated)[-1]
    assert (added.client_tls_cert, added.server_tls_cert) == (new_tls, new_tls)
    assert summary["consensus"]["consenter_tls"]["127.0.0.1:7350"] == fingerprint(
        x509.load_pem_x509_certificate(new_tls))
    assert list(guarding_policies(original, compute_update("ch", original, updated))) == ["/Channel/Orderer/Admins"]


def test_an_orderer_is_listed_and_unlisted_among_its_organisations_endpoints_once():
    def add(c):
        config_edits.add_orderer_endpoint(c, "OrdererOrg", "127.0.0.1:7350")
        config_edits.add_orderer_endpoint(c, "OrdererOrg", "127.0.0.1:7350")

    original, updated = edited(add)
    assert describe(updated)["orderer_organizations"][0]["endpoints"][-2:] == ["127.0.0.1:7250", "127.0.0.1:7350"]
    assert list(guarding_policies(original, compute_update("ch", original, updated))) == [
        "/Channel/Orderer/OrdererOrg/Admins"]
    config_edits.remove_orderer_endpoint(updated, "OrdererOrg", "127.0.0.1:7150")
    config_edits.remove_orderer_endpoint(updated, "OrdererOrg", "127.0.0.1:7150")
    assert describe(updated)["orderer_organizations"][0]["endpoints"] == [
        "127.0.0.1:7050", "127.0.0.1:7250", "127.0.0.1:7350"]


def test_a_consenter_leaves_but_never_the_last():
    _, updated = edited(lambda c: config_edits.remove_consenter(c, "127.0.0.1", 7150))
    assert describe(updated)["consensus"]["consenters"] == ["127.0.0.1:7050", "127.0.0.1:7250"]
    config_edits.remove_consenter(updated, "127.0.0.1", 7050)
    with pytest.raises(ConfigEditError, match="last orderer"):
        config_edits.remove_consenter(updated, "127.0.0.1", 7250)


def test_organisations_join_and_leave_the_application_group():
    _, updated = edited(lambda c: config_edits.add_application_organization(c, "Org4", organization("Org4")))
    assert config_edits.application_organizations(updated) == {
        "Org1": "Org1MSP", "Org2": "Org2MSP", "Org3": "Org3MSP", "Org4": "Org4MSP"}
    config_edits.remove_application_organization(updated, "Org2")
    config_edits.remove_application_organization(updated, "Org2")  # already gone: nothing happens
    assert sorted(config_edits.application_organizations(updated)) == ["Org1", "Org3", "Org4"]


def test_the_last_organisation_cannot_leave():
    only = config()
    for name in ("Org2", "Org3"):
        config_edits.remove_application_organization(only, name)
    with pytest.raises(ConfigEditError, match="last organisation"):
        config_edits.remove_application_organization(only, "Org1")


def test_a_revocation_list_goes_into_the_organisations_msp():
    authority = Authority.create("ca.org1.example", "org1.example")
    now = dt.datetime.now(dt.timezone.utc)
    revoked = x509.RevokedCertificateBuilder().serial_number(42).revocation_date(now).build()
    crl = (x509.CertificateRevocationListBuilder().issuer_name(authority.cert.subject).last_update(now)
           .next_update(now + dt.timedelta(days=1)).add_revoked_certificate(revoked)
           .sign(authority.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))

    original, updated = edited(lambda c: config_edits.set_revocation_list(c, ("Application", "Org1"), [crl]))

    org1 = updated.channel_group.groups["Application"].groups["Org1"]
    assert list(config_edits.msp_config(org1).revocation_list) == [crl]
    assert config_edits.msp_config(org1).name == "Org1MSP"
    assert [o["revoked_certificates"] for o in describe(updated)["organizations"]] == [1, 0, 0]
    assert list(guarding_policies(original, compute_update("ch", original, updated))) == [
        "/Channel/Application/Org1/Admins"]


def test_the_summary_lists_capabilities_and_every_policy():
    summary = describe(config())
    assert summary["capabilities"] == {"channel": ["V3_0"], "orderer": [], "application": []}
    assert summary["policies"]["/Channel/Admins"] == "MAJORITY Admins"
    assert summary["policies"]["/Channel/Application/Org2/Writers"] == "OR('Org2MSP.admin', 'Org2MSP.client')"
    assert summary["consensus"]["type"] == "etcdraft"
    assert read_value(config().channel_group.groups["Orderer"], "BatchTimeout",
                      orderer_config.BatchTimeout).timeout == summary["batch"]["timeout"]
