"""Users enrolled at their organisation's Fabric CA on the shared network: attributes the chaincodes
honour, identity types the MSPs classify, and revocation that the channel enforces."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from grootboek.client import admin
from grootboek.client.admin import lifecycle
from grootboek.client.admin.endorser import Endorser
from grootboek.client.errors import EndorseError, EndorserError
from grootboek.client.identity import FileWallet, SigningIdentity
from grootboek.client.profile import connect_with_profile
from grootboek.network.admin.channel_admin import ChannelAdmin
from grootboek.network.admin.identities import Identities

from .endorsing import first_peer, peer_channel


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def scheme_terms() -> dict:
    now = datetime.now(timezone.utc)
    return {"name": "Kindpakket (admin integration)", "starts_at": (now - timedelta(days=1)).isoformat(),
            "ends_at": (now + timedelta(days=30)).isoformat(), "amount_per_beneficiary": 10_000,
            "categories": ["bicycles"]}


def test_an_officer_enrolled_with_the_cli_is_honoured_by_the_budgets_chaincode(fabric, cli, tmp_path):
    officer, clerk = unique("officer"), unique("clerk")
    wallet = tmp_path / "wallet"
    created = cli(fabric, "identity", "create", "Municipality", officer, "--attr", "role=officer",
                  "--wallet", str(wallet))
    assert created.returncode == 0, created.stderr
    assert f"{officer} enrolled in MunicipalityMSP as client" in created.stdout
    assert cli(fabric, "identity", "create", "Municipality", clerk, "--attr", "role=clerk",
               "--wallet", str(wallet)).returncode == 0

    profile = fabric.layout.profile("Municipality")
    entry = FileWallet(wallet).get(officer)
    with connect_with_profile(profile, entry.identity, entry.signer()) as gateway:
        budgets = gateway.network("kindpakket").contract("budgets", "Budgets")
        scheme = json.loads(budgets.submit("create_scheme", [unique("scheme"), json.dumps(scheme_terms())]))
    assert scheme["owner"] == "MunicipalityMSP" and scheme["status"] == "draft"

    entry = FileWallet(wallet).get(clerk)
    with connect_with_profile(profile, entry.identity, entry.signer()) as gateway:
        budgets = gateway.network("kindpakket").contract("budgets", "Budgets")
        with pytest.raises(EndorseError, match="FORBIDDEN: only a municipality officer"):
            budgets.submit("create_scheme", [unique("scheme"), json.dumps(scheme_terms())])

    shown = json.loads(cli(fabric, "identity", "show", "Municipality", officer, "--json").stdout)
    assert {"name": "role", "value": "officer", "ecert": True} in shown["attrs"]


def test_chaincode_reads_the_attributes_of_the_enrolment_certificate(fabric, connect_as):
    shop = unique("shop")
    Identities(fabric.layout, "Merchants").create(shop, attributes={"role": "merchant", "merchant_id": shop})
    with connect_as(fabric, "Merchants", shop) as gateway:
        tx = gateway.network("kindpakket").contract("conformance")
        seen = json.loads(tx.evaluate("Tx:whoami"))
        assert tx.evaluate("Tx:assert_attribute", ["merchant_id", shop]) == b"ok"
    assert seen["msp_id"] == "MerchantsMSP"
    assert {k: seen["attributes"][k] for k in ("role", "merchant_id", "hf.EnrollmentID", "hf.Type")} == {
        "role": "merchant", "merchant_id": shop, "hf.EnrollmentID": shop, "hf.Type": "client"}


def test_the_identity_type_is_the_node_ou_the_msp_classifies(fabric):
    identities = Identities(fabric.layout, "Merchants")
    peer = first_peer(fabric, "Merchants")

    def installed_as(kind: str):
        user = identities.create(unique(kind), type=kind, write_msp=False)
        entry = user.wallet_entry()
        with peer_channel(fabric, peer) as channel:
            return admin.query(Endorser(channel), SigningIdentity(entry.identity, entry.signer()),
                               lifecycle.query_installed_chaincodes())

    assert any(c.label.startswith("budgets") for c in installed_as("admin").installed_chaincodes)
    with pytest.raises(EndorserError, match="admin"):  # installed chaincodes are for the peer's admins
        installed_as("client")


def test_a_revoked_user_is_refused_on_the_channel(fabric, cli, connect_as):
    leaver, stayer = unique("leaver"), unique("stayer")
    identities = Identities(fabric.layout, "Merchants")
    for name in (leaver, stayer):
        identities.create(name)
    with connect_as(fabric, "Merchants", leaver) as gateway:
        contract = gateway.network("kindpakket").contract("conformance")
        contract.submit("State:put", [leaver, "before"])

        revoked = cli(fabric, "identity", "revoke", "Merchants", leaver, "--reason", "affiliationchanged")
        assert revoked.returncode == 0, revoked.stderr
        assert "refused on kindpakket" in revoked.stdout
        # The orderers have the config block with the CRL; the peers commit it in their own time.
        fabric.wait_synced("kindpakket", ChannelAdmin(fabric).config_block("kindpakket").header.number)

        with pytest.raises(EndorseError, match="access denied"):
            contract.submit("State:put", [leaver, "after"])
    with connect_as(fabric, "Merchants", stayer) as gateway:  # the organisation's other users are unaffected
        gateway.network("kindpakket").contract("conformance").submit("State:put", [stayer, "after"])

    again = cli(fabric, "identity", "create", "Merchants", leaver)
    assert again.returncode == 1 and "revoked identity cannot enrol again" in again.stderr
    shown = json.loads(cli(fabric, "channel", "show", "kindpakket", "--json").stdout)
    merchants = next(o for o in shown["organizations"] if o["name"] == "Merchants")
    assert merchants["revoked_certificates"] >= 1
