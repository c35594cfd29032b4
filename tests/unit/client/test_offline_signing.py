import hashlib

import grpc
import pytest
from fabric_protos.gateway import gateway_pb2

from grootboek.client.errors import EvaluateError
from grootboek.client.gateway import connect
from grootboek.client.identity import PrivateKeySigner, SignerUnavailableError


@pytest.fixture
def offline(fabric, channel, identity):
    """A gateway without a signer, and the signer that lives 'elsewhere' (e.g. an HSM)."""
    with connect(identity, channel=channel) as gateway:
        yield gateway, PrivateKeySigner(fabric.user.key)


def test_without_a_signer_nothing_is_signed_implicitly(offline):
    gateway, _ = offline
    contract = gateway.network("mychannel").contract("budgets", "Budget")
    with pytest.raises(SignerUnavailableError):
        contract.evaluate("Get", ["alice"])


def test_fully_offline_submit(fabric, offline):
    gateway, remote = offline
    contract = gateway.network("mychannel").contract("budgets", "Budget")

    unsigned = contract.new_proposal("Grant", args=["bob", "7"])
    assert unsigned.digest() == hashlib.sha256(
        gateway_pb2.ProposedTransaction.FromString(unsigned.bytes()).proposal.proposal_bytes).digest()
    proposal = gateway.new_signed_proposal(unsigned.bytes(), remote(unsigned.digest()))
    assert proposal.transaction_id == unsigned.transaction_id

    endorsed = proposal.endorse()
    assert endorsed.result == b"7"
    transaction = gateway.new_signed_transaction(endorsed.bytes(), remote(endorsed.digest()))
    assert transaction.result == b"7" and transaction.transaction_id == proposal.transaction_id

    submitted = transaction.submit()
    commit = gateway.new_signed_commit(submitted.bytes(), remote(submitted.digest()))
    status = commit.status()
    assert status.successful and status.transaction_id == proposal.transaction_id
    assert fabric.ledger.statuses[proposal.transaction_id].block_number == status.block_number


def test_offline_evaluate(offline):
    gateway, remote = offline
    unsigned = gateway.network("mychannel").contract("budgets", "Budget").new_proposal(
        "Get", args=["alice"])
    assert gateway.new_signed_proposal(unsigned.bytes(), remote(unsigned.digest())).evaluate() == b"100"


def test_offline_event_requests(fabric, offline, contract):
    gateway, remote = offline
    network = gateway.network("mychannel")
    contract.submit("Grant", ["bob", "1"])  # through the online fixture gateway

    unsigned = network.new_chaincode_events_request("budgets", start_block=0)
    signed = gateway.new_signed_chaincode_events_request(unsigned.bytes(), remote(unsigned.digest()))
    with signed.events() as events:
        assert next(events).event_name == "Granted"

    for new, new_signed, read in (
        (network.new_block_events_request, gateway.new_signed_block_events_request,
         lambda item: item.header.number),
        (network.new_filtered_block_events_request,
         gateway.new_signed_filtered_block_events_request, lambda item: item.number),
        (network.new_block_and_private_data_events_request,
         gateway.new_signed_block_and_private_data_events_request,
         lambda item: item.block.header.number),
    ):
        unsigned = new(start_block=1)
        with new_signed(unsigned.bytes(), remote(unsigned.digest())).events() as events:
            assert read(next(events)) == 1


def test_a_signature_is_never_replaced(fabric, gateway):
    proposal = gateway.network("mychannel").contract("budgets", "Budget").new_proposal("Get", ["a"])
    proposal.set_signature(b"not a signature")
    with pytest.raises(EvaluateError) as caught:
        proposal.evaluate()
    assert caught.value.code == grpc.StatusCode.PERMISSION_DENIED
    assert "signature does not verify" in caught.value.message
