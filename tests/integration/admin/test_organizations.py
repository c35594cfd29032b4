"""A fourth organisation, a second municipality (Groningen), joins channel kindpakket of a running
network of its own while transactions run: its peer catches up and endorses a payment, the network
resumes with it after `down` and `up`, and once it is removed its endorsements no longer count."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from functools import partial

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from fabric_protos.common import common_pb2
from fabric_protos.msp import identities_pb2
from fabric_protos.peer import transaction_pb2

from grootboek.chaincode.budgets.domain.holder_codes import payment_code
from grootboek.chaincode.shim import ClientIdentity
from grootboek.chaincode.signing import public_key_pem
from grootboek.client import admin
from grootboek.client.admin import system_chaincodes
from grootboek.client.admin.endorser import Endorser
from grootboek.network.admin.channel_admin import ChannelAdmin
from grootboek.network.admin.identities import Identities
from grootboek.network.admin.peer_admin import PeerAdmin
from grootboek.network.config import config_edits
from grootboek.network.config.channel_view import describe
from grootboek.network.nodes import supervisor
from grootboek.network.nodes.network import Network
from grootboek.network.nodes.readiness import wait_for

from .endorsing import first_peer, peer_channel, put_endorsed_by

CHANNEL = "kindpakket"
SCHEME, SHOP = "kindpakket-groningen-it", "fietsenwinkel-groningen"


@pytest.fixture(scope="module")
def network(start_network, integration_consortium):
    network = start_network(integration_consortium(), "organizations")
    yield network
    network.down()


def now(network: Network) -> Network:
    """The network as its state directory describes it now (the CLI changes it)."""
    return Network.from_state(network.layout.root)


def height(network: Network, org: str) -> int:
    with PeerAdmin(network.layout, first_peer(network, org)) as peer:
        return peer.height(CHANNEL)


@pytest.fixture(scope="module")
def added(network, cli, traffic):
    """Groningen added with the CLI while the municipality keeps submitting transactions."""
    with traffic(network, "Municipality", CHANNEL) as running:
        wait_for(lambda: running.committed >= 3, "transactions running")
        before = running.committed
        result = cli(network, "org", "add", "Groningen", "--domain", "groningen.grootboek.nl", "--channel", CHANNEL)
        during = running.committed - before
    assert result.returncode == 0, result.stderr
    return result, during, running.failures


def test_groningen_joins_while_transactions_run_and_its_peer_catches_up(network, added):
    result, committed_during, failures = added
    assert "GroningenMSP" in result.stdout and "peer0.groningen" in result.stdout
    assert committed_during > 0 and failures == []
    assert "signed by the admins of Municipality, Merchants" in result.stderr  # a majority of two is both

    grown = now(network)
    members = {o["msp_id"] for o in describe(ChannelAdmin(grown).config(CHANNEL))["organizations"]}
    assert members == {"MunicipalityMSP", "MerchantsMSP", "GroningenMSP"}
    wait_for(lambda: height(grown, "Groningen") == height(grown, "Municipality"), "Groningen's peer caught up")


@pytest.fixture(scope="module")
def shop(network, connect_as, wait_synced, added):
    """A scheme with a shop that takes payments (the shop enrolled at the merchants' CA)."""
    grown = now(network)
    Identities(grown.layout, "Merchants").create(SHOP, attributes={"role": "merchant", "merchant_id": SHOP})
    shop_pem = (grown.layout.crypto("Merchants").user_dir(SHOP) / "msp" / "signcerts" / "cert.pem").read_bytes()
    shop_id = ClientIdentity(identities_pb2.SerializedIdentity(mspid="MerchantsMSP", id_bytes=shop_pem)
                             .SerializeToString()).id
    today = datetime.now(timezone.utc)
    terms = {"name": "Kindpakket Groningen", "starts_at": (today - timedelta(days=1)).isoformat(),
             "ends_at": (today + timedelta(days=30)).isoformat(), "amount_per_beneficiary": 25_000,
             "categories": ["bicycles"]}
    holder = ec.generate_private_key(ec.SECP256R1())

    def submit(contract, function: str, *args: str) -> None:
        # Every peer has the block before the next call endorses through another organisation's.
        status = contract.submit_async(function, list(args)).status().check()
        wait_synced(grown, CHANNEL, status.block_number)

    with connect_as(grown, "Municipality", "officer") as officer, \
            connect_as(grown, "Merchants", "registrar") as registrar:
        by_officer = officer.network(CHANNEL).contract("budgets", "Budgets")
        submit(by_officer, "create_scheme", SCHEME, json.dumps(terms))
        submit(by_officer, "open_scheme", SCHEME)
        submit(registrar.network(CHANNEL).contract("budgets", "Budgets"), "register_merchant", SHOP,
               json.dumps({"kvk": "12345678", "name": SHOP, "categories": ["bicycles"], "identity": shop_id}))
        submit(by_officer, "admit_merchant", SCHEME, SHOP)
        submit(by_officer, "issue_budget", "b-groningen", SCHEME, "pseudo-groningen", public_key_pem(holder))
    with connect_as(grown, "Merchants", SHOP) as gateway:
        yield gateway.network(CHANNEL).contract("budgets", "Budgets"), holder


def endorsers_of(network: Network, tx_id: str) -> set[str]:
    """The organisations whose endorsements a committed transaction carries."""
    with peer_channel(network, first_peer(network, "Municipality")) as channel, \
            PeerAdmin(network.layout, first_peer(network, "Municipality")) as peer:
        processed = admin.query(Endorser(channel), peer.signing,
                                system_chaincodes.get_transaction_by_id(CHANNEL, tx_id))
    payload = common_pb2.Payload.FromString(processed.transactionEnvelope.payload)
    action = transaction_pb2.Transaction.FromString(payload.data).actions[0]
    endorsed = transaction_pb2.ChaincodeActionPayload.FromString(action.payload).action
    return {identities_pb2.SerializedIdentity.FromString(e.endorser).mspid for e in endorsed.endorsements}


def test_groningens_peer_endorses_a_payment(network, shop):
    budgets, holder = shop
    code = payment_code(holder, "b-groningen", datetime.now(timezone.utc) + timedelta(minutes=5))
    proposal = budgets.new_proposal("pay", ["b-groningen", "4500", "bicycles", code],
                                    endorsing_organizations=["MunicipalityMSP", "MerchantsMSP", "GroningenMSP"])
    status = proposal.endorse().submit().status().check()
    assert status.successful
    now(network).wait_synced(CHANNEL, status.block_number)  # committed on the shop's peer; asked of another
    assert endorsers_of(now(network), proposal.transaction_id) == {"MunicipalityMSP", "MerchantsMSP", "GroningenMSP"}


def test_its_endorsement_counts_toward_the_channels_majority(network):
    grown = now(network)
    municipality, groningen = first_peer(grown, "Municipality"), first_peer(grown, "Groningen")
    assert put_endorsed_by(grown, CHANNEL, [municipality, groningen], "counted", "2 of 3").successful
    alone = put_endorsed_by(grown, CHANNEL, [groningen], "alone", "1 of 3")
    assert alone.code_name == "ENDORSEMENT_POLICY_FAILURE"


def test_down_and_up_resume_the_network_with_groningen(network, cli):
    assert cli(network, "down").returncode == 0
    assert supervisor.marked_processes(network.layout.root) == []
    resumed = cli(network, "up")
    assert resumed.returncode == 0, resumed.stderr
    grown = now(network)
    running = {p["name"] for p in supervisor.request(grown.run_dir, {"cmd": "status"})["processes"] if p["running"]}
    assert {"peer0.groningen", "ca.groningen", "cc-budgets.groningen", "cc-conformance.groningen"} <= running
    assert put_endorsed_by(grown, CHANNEL, [first_peer(grown, "Municipality"), first_peer(grown, "Groningen")],
                           "resumed", "yes").successful


def test_once_removed_its_endorsements_no_longer_count(network, cli):
    grown = now(network)
    municipality, merchants, groningen = (first_peer(grown, org) for org in ("Municipality", "Merchants", "Groningen"))
    ChannelAdmin(grown).update(CHANNEL, partial(config_edits.remove_application_organization, name="Groningen"),
                               "removing Groningen from channel kindpakket")
    # Groningen's peer still runs and endorses, but its signature no longer counts for the channel.
    refused = put_endorsed_by(grown, CHANNEL, [municipality, groningen], "removed", "2 of 2?")
    assert refused.code_name == "ENDORSEMENT_POLICY_FAILURE"
    assert put_endorsed_by(grown, CHANNEL, [municipality, merchants], "majority", "2 of 2").successful

    removed = cli(network, "org", "remove", "Groningen")  # finishes: the update is already in, nodes stop
    assert removed.returncode == 0, removed.stderr
    assert "already so" in removed.stderr
    after = now(network)
    assert "Groningen" not in [o.name for o in after.consortium.organizations]
    running = {p["name"] for p in supervisor.request(after.run_dir, {"cmd": "status"})["processes"]}
    assert not {name for name in running if name.endswith(".groningen")}
