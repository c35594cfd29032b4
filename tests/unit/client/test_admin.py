import grpc
import pytest
from fabric_protos.common import common_pb2, ledger_pb2
from fabric_protos.peer import transaction_pb2
from fabric_protos.peer.lifecycle import lifecycle_pb2

from grootboek.client import admin
from grootboek.client.admin import lifecycle, system_chaincodes
from grootboek.client.admin.commit_waiter import CommitWaiter
from grootboek.client.admin.endorser import Endorser
from grootboek.client.admin.invocation import Invocation
from grootboek.client.admin.orderer import Orderer, envelope_transaction_id
from grootboek.client.errors import BroadcastError, DeliverError, EndorserError
from grootboek.client.identity import PrivateKeySigner, SigningIdentity, X509Identity
from grootboek.client.protocol import seek
from grootboek.client.protocol.deliver import PeerDeliver, fetch_block, fetch_config_block

from .credentials import issue


@pytest.fixture
def signing(fabric):
    return SigningIdentity(X509Identity(fabric.user.msp_id, fabric.user.certificate_pem),
                           PrivateKeySigner(fabric.user.key))


def test_query_a_system_chaincode_on_one_peer(fabric, channel, signing):
    fabric.chaincodes["qscc"] = {"GetChainInfo": lambda args, transient: ledger_pb2.BlockchainInfo(
        height=fabric.ledger.height).SerializeToString() if args == [b"mychannel"] else b""}
    info = admin.query(Endorser(channel), signing, system_chaincodes.get_chain_info("mychannel"))
    assert isinstance(info, ledger_pb2.BlockchainInfo) and info.height == 1
    seen = fabric.peers[0].seen[-1]
    assert (seen.channel, seen.chaincode, seen.args[0]) == ("", "qscc", b"GetChainInfo")


def test_join_chain_is_a_config_proposal_carrying_the_block(fabric, channel, signing):
    fabric.chaincodes["cscc"] = {"JoinChain": lambda args, transient: b""}
    admin.query(Endorser(channel), signing, system_chaincodes.join_chain(fabric.ledger.blocks[0]))
    seen = fabric.peers[0].seen[-1]
    assert seen.header_type == common_pb2.CONFIG
    assert common_pb2.Block.FromString(seen.args[1]) == fabric.ledger.blocks[0]


def test_lifecycle_arguments_and_results_are_protobuf(fabric, channel, signing):
    definition = lifecycle.ChaincodeDefinition(
        "budgets", "1.0", 2, lifecycle.channel_policy_reference("/Channel/Application/Endorsement"))
    approve = lifecycle.approve_chaincode_definition_for_my_org(definition, "budgets_1:abc")
    args = lifecycle_pb2.ApproveChaincodeDefinitionForMyOrgArgs.FromString(approve.args[1])
    assert (args.name, args.version, args.sequence) == ("budgets", "1.0", 2)
    assert args.source.local_package.package_id == "budgets_1:abc"
    assert lifecycle_pb2.ApproveChaincodeDefinitionForMyOrgArgs.FromString(
        lifecycle.approve_chaincode_definition_for_my_org(definition, None).args[1]
    ).source.HasField("unavailable")

    readiness = lifecycle_pb2.CheckCommitReadinessResult(approvals={"Org1MSP": True, "Org2MSP": False})
    fabric.chaincodes["_lifecycle"] = {
        "CheckCommitReadiness": lambda a, t: readiness.SerializeToString()}
    result = admin.query(Endorser(channel), signing, lifecycle.check_commit_readiness(definition),
                         channel="mychannel")
    assert dict(result.approvals) == {"Org1MSP": True, "Org2MSP": False}


def test_endorser_errors_carry_the_peer_status(fabric, channel, signing):
    with pytest.raises(EndorserError) as caught:
        admin.query(Endorser(channel), signing, Invocation.of("budgets", "Budget:Spend", "bob"),
                    channel="mychannel")
    assert "status 500: insufficient funds for bob" in str(caught.value)
    assert caught.value.transaction_id


def test_transact_broadcasts_and_the_waiter_sees_the_commit(fabric, channel, signing):
    with CommitWaiter(PeerDeliver(channel), signing, "mychannel") as waiter:
        tx_id = admin.transact([Endorser(channel)], Orderer(channel), signing,
                               Invocation.of("budgets", "Budget:Grant", "bob", "3"), "mychannel")
        status = waiter.wait(tx_id)
    assert status.successful and status.block_number == 1
    assert fabric.ledger.statuses[tx_id].block_number == 1
    assert fabric.orderer.broadcasts[-1].signature


def test_waiter_reports_invalid_transactions_from_a_start_block(fabric, channel, signing, contract):
    fabric.ledger.next_codes.append(transaction_pb2.MVCC_READ_CONFLICT)
    tx_id = contract.submit_async("Grant", ["x", "1"]).transaction_id
    with CommitWaiter(PeerDeliver(channel), signing, "mychannel", start_block=0) as waiter:
        status = waiter.wait(tx_id)
    assert (status.code_name, status.block_number) == ("MVCC_READ_CONFLICT", 1)


def test_broadcast_rejections_are_typed(fabric, channel, signing):
    fabric.orderer.next_statuses.append(common_pb2.BAD_REQUEST)
    with pytest.raises(BroadcastError) as caught:
        admin.transact([Endorser(channel)], Orderer(channel), signing,
                       Invocation.of("budgets", "Budget:Grant", "bob", "3"), "mychannel")
    assert caught.value.status == "BAD_REQUEST"
    assert caught.value.transaction_id
    fabric.failures.add("Broadcast", grpc.StatusCode.UNAVAILABLE, "orderer down")
    with pytest.raises(BroadcastError) as caught:
        Orderer(channel).broadcast(common_pb2.Envelope(payload=b""))
    assert caught.value.code == grpc.StatusCode.UNAVAILABLE


def test_fetch_blocks_and_the_config_block_from_peer_or_orderer(fabric, channel, signing, contract):
    contract.submit("Grant", ["x", "1"])
    contract.submit("Grant", ["y", "1"])
    for source in (PeerDeliver(channel), Orderer(channel)):
        assert fetch_block(source, signing, "mychannel", seek.newest()).header.number == 2
        assert fetch_block(source, signing, "mychannel", seek.specified(1)).header.number == 1
        config = fetch_config_block(source, signing, "mychannel")
        payload = common_pb2.Payload.FromString(common_pb2.Envelope.FromString(config.data.data[0]).payload)
        assert config.header.number == 0
        assert common_pb2.ChannelHeader.FromString(payload.header.channel_header).type == common_pb2.CONFIG


def test_deliver_refuses_a_stranger_signature(fabric, channel):
    forged = SigningIdentity(X509Identity("Org1MSP", fabric.user.certificate_pem),
                             PrivateKeySigner(issue().key))
    with pytest.raises(DeliverError) as caught:
        fetch_block(Orderer(channel), forged, "mychannel", seek.newest())
    assert caught.value.status == "FORBIDDEN"


def test_transaction_id_of_an_unparsable_envelope_is_unknown():
    assert envelope_transaction_id(common_pb2.Envelope(payload=b"not a payload")) is None
    assert envelope_transaction_id(common_pb2.Envelope()) is None
