"""The low-level pieces admin tooling uses, against real peers and orderers: system chaincode
queries on one peer, the config block, and a channel transaction without the gateway."""
from __future__ import annotations

import pytest
from fabric_protos.common import common_pb2
from fabric_protos.peer import collection_pb2

from grootboek.client import admin
from grootboek.client.admin import lifecycle, system_chaincodes
from grootboek.client.admin.commit_waiter import CommitWaiter
from grootboek.client.admin.endorser import Endorser
from grootboek.client.admin.invocation import Invocation
from grootboek.client.admin.orderer import Orderer
from grootboek.client.endpoint import Endpoint
from grootboek.client.errors import BroadcastError
from grootboek.client.identity import PrivateKeySigner, SigningIdentity, X509Identity
from grootboek.client.profile import ConnectionProfile
from grootboek.client.protocol import seek
from grootboek.client.protocol.deliver import PeerDeliver, fetch_block, fetch_config_block

CHANNEL = "kindpakket"


@pytest.fixture(scope="module")
def signing(admin_credentials) -> SigningIdentity:
    return SigningIdentity(*admin_credentials)


def peer_channel(fabric, org: str):
    profile = ConnectionProfile.load(fabric.layout.profile(org))
    return profile.peer_endpoint(profile.peers()[0]).open_channel()


@pytest.fixture(scope="module")
def municipality_peer(fabric):
    with peer_channel(fabric, "Municipality") as channel:
        yield channel


@pytest.fixture(scope="module")
def merchants_peer(fabric):
    with peer_channel(fabric, "Merchants") as channel:
        yield channel


@pytest.fixture(scope="module")
def orderer(fabric):
    organization = fabric.consortium.orderer_organization
    node = organization.orderers[0]
    tls_ca = (fabric.layout.crypto(organization.name).root / "tlsca" / "cert.pem").read_bytes()
    endpoint = Endpoint(fabric.layout.address(node.port), tls_ca,
                        fabric.layout.orderer_host(node.name))
    with endpoint.open_channel() as channel:
        yield Orderer(channel)


def test_cscc_and_qscc_on_one_peer(municipality_peer, signing):
    endorser = Endorser(municipality_peer)
    channels = admin.query(endorser, signing, system_chaincodes.get_channels())
    assert {c.channel_id for c in channels.channels} >= {CHANNEL}

    info = admin.query(endorser, signing, system_chaincodes.get_chain_info(CHANNEL))
    assert info.height > 1
    block = admin.query(endorser, signing,
                        system_chaincodes.get_block_by_number(CHANNEL, info.height - 1))
    assert block.header.number == info.height - 1
    assert block.header.data_hash and info.currentBlockHash


def test_lifecycle_queries(municipality_peer, signing):
    endorser = Endorser(municipality_peer)
    installed = admin.query(endorser, signing, lifecycle.query_installed_chaincodes())
    assert any(c.label.startswith("conformance") for c in installed.installed_chaincodes)

    definition = admin.query(endorser, signing, lifecycle.query_chaincode_definition("conformance"),
                             channel=CHANNEL)
    assert definition.sequence >= 1 and definition.version == "1.0"
    assert dict(definition.approvals) == {"MunicipalityMSP": True, "MerchantsMSP": True}

    approved = admin.query(endorser, signing,
                           lifecycle.query_approved_chaincode_definition("conformance"),
                           channel=CHANNEL)
    assert approved.sequence == definition.sequence


def test_collections_built_here_match_what_the_peer_cli_committed(fabric, municipality_peer,
                                                                  signing):
    spec = next(c for c in fabric.consortium.channel(CHANNEL).chaincodes if c.name == "conformance")
    ours = [lifecycle.collection(c.name, c.policy, c.required_peer_count, c.max_peer_count,
                                 c.block_to_live, c.member_only_read, c.member_only_write,
                                 c.endorsement_policy) for c in spec.collections]
    committed = admin.query(Endorser(municipality_peer), signing,
                            lifecycle.query_chaincode_definition("conformance"), channel=CHANNEL)
    assert [c.SerializeToString() for c in committed.collections.config] == [
        c.SerializeToString() for c in ours]


def test_config_block_from_orderer_and_peer(municipality_peer, orderer, signing):
    for source in (orderer, PeerDeliver(municipality_peer)):
        config = fetch_config_block(source, signing, CHANNEL)
        envelope = common_pb2.Envelope.FromString(config.data.data[0])
        header = common_pb2.ChannelHeader.FromString(
            common_pb2.Payload.FromString(envelope.payload).header.channel_header)
        assert (header.type, header.channel_id) == (common_pb2.CONFIG, CHANNEL)
    newest = fetch_block(orderer, signing, CHANNEL, seek.newest())
    assert newest.header.number >= config.header.number


def test_a_channel_transaction_without_the_gateway(municipality, municipality_peer, merchants_peer,
                                                   orderer, signing, key):
    endorsers = [Endorser(municipality_peer), Endorser(merchants_peer)]
    with CommitWaiter(PeerDeliver(municipality_peer), signing, CHANNEL, timeout=120) as waiter:
        tx_id = admin.transact(endorsers, orderer, signing,
                               Invocation.of("conformance", "State:put", key, "direct"), CHANNEL)
        status = waiter.wait(tx_id)
    assert status.successful and status.block_number > 0
    contract = municipality.network(CHANNEL).contract("conformance")
    assert contract.evaluate("State:get", [key]) == b"direct"


def test_the_orderer_refuses_a_malformed_envelope(orderer):
    with pytest.raises(BroadcastError) as caught:
        orderer.broadcast(common_pb2.Envelope(payload=b"not a payload", signature=b"x"))
    assert caught.value.status == "BAD_REQUEST"


def test_approve_and_commit_a_chaincode_definition(fabric, municipality_peer, merchants_peer,
                                                   orderer):
    """The full _lifecycle path without the peer CLI, for a definition nobody runs."""
    def admin_of(org: str) -> SigningIdentity:
        msp = fabric.layout.crypto(org).user_dir("admin") / "msp"
        msp_id = fabric.consortium.organization(org).msp_id
        return SigningIdentity(X509Identity.from_msp_directory(msp_id, msp),
                               PrivateKeySigner.from_msp_directory(msp))

    definition = lifecycle.ChaincodeDefinition(
        "clientprobe", "1.0", 1,
        validation_parameter=lifecycle.signature_policy(
            "OR('MunicipalityMSP.member', 'MerchantsMSP.member')"),
        collections=collection_pb2.CollectionConfigPackage(config=[lifecycle.collection(
            "probe", "OR('MunicipalityMSP.member', 'MerchantsMSP.member')", max_peer_count=2)]))
    peers = {"Municipality": municipality_peer, "Merchants": merchants_peer}

    def transact(endorsers: list[Endorser], signing: SigningIdentity, invocation) -> None:
        """Ordered and committed on both peers, each of which commits a block in its own time: what
        one peer endorses or answers next depends on it."""
        with CommitWaiter(PeerDeliver(municipality_peer), signing, CHANNEL) as at_municipality, \
                CommitWaiter(PeerDeliver(merchants_peer), signing, CHANNEL) as at_merchants:
            tx_id = admin.transact(endorsers, orderer, signing, invocation, CHANNEL)
            assert at_municipality.wait(tx_id).successful and at_merchants.wait(tx_id).successful

    for org, channel in peers.items():
        transact([Endorser(channel)], admin_of(org),
                 lifecycle.approve_chaincode_definition_for_my_org(definition, None))

    signing = admin_of("Municipality")
    readiness = admin.query(Endorser(municipality_peer), signing,
                            lifecycle.check_commit_readiness(definition), channel=CHANNEL)
    assert dict(readiness.approvals) == {"MunicipalityMSP": True, "MerchantsMSP": True}

    transact([Endorser(c) for c in peers.values()], signing, lifecycle.commit_chaincode_definition(definition))
    committed = admin.query(Endorser(merchants_peer), signing,
                            lifecycle.query_chaincode_definition("clientprobe"), channel=CHANNEL)
    assert (committed.version, committed.sequence) == ("1.0", 1)
    assert committed.validation_parameter == definition.validation_parameter
    assert committed.collections == definition.collections
