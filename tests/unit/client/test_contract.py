import pytest
from fabric_protos.common import common_pb2
from fabric_protos.peer import transaction_pb2

from grootboek.client.commit import SubmittedTransaction


def test_evaluate_returns_the_result_and_qualifies_the_function(fabric, contract):
    assert contract.evaluate("Get", args=["alice"]) == b"100"
    seen = fabric.peers[0].seen[-1]
    assert (seen.channel, seen.chaincode, seen.args) == ("mychannel", "budgets",
                                                         [b"Budget:Get", b"alice"])
    assert fabric.ledger.height == 1  # nothing was ordered


def test_unqualified_contract_calls_the_bare_function(gateway):
    assert gateway.network("mychannel").contract("budgets").evaluate("Get", [b"alice"]) == b"100"


def test_evaluate_targets_organizations_and_passes_transient_data(fabric, contract):
    result = contract.evaluate("TransientKeys", transient={"b": b"2", "a": "1"},
                               endorsing_organizations=["Org2MSP"])
    assert result == b"a,b"
    assert fabric.peers[1].seen[-1].transient == {"a": b"1", "b": b"2"}
    assert list(fabric.gateway.requests["Evaluate"][-1].target_organizations) == ["Org2MSP"]
    assert fabric.peers[1].seen and not fabric.peers[0].seen


def test_submit_commits_and_returns_the_result(fabric, contract):
    assert contract.submit("Grant", args=["bob", "30"]) == b"30"
    assert fabric.ledger.height == 2
    committed = fabric.ledger.statuses[fabric.gateway.requests["Submit"][-1].transaction_id]
    assert committed.validation_code == transaction_pb2.VALID


def test_submit_async_reports_status_and_block_number(fabric, contract):
    submitted = contract.submit_async("Grant", args=["carol", "5"])
    assert isinstance(submitted, SubmittedTransaction)
    assert submitted.result == b"5"
    status = submitted.status()
    assert status.successful and status.code == transaction_pb2.VALID
    assert status.code_name == "VALID"
    assert status.block_number == 1
    assert status.transaction_id == submitted.transaction_id
    assert fabric.ledger.statuses[submitted.transaction_id].block_number == 1
    assert status.check() is status


def test_endorsing_organizations_select_the_endorsers(fabric, contract):
    contract.submit("Grant", args=["dave", "1"], endorsing_organizations=["Org1MSP"])
    assert list(fabric.gateway.requests["Endorse"][-1].endorsing_organizations) == ["Org1MSP"]
    assert not fabric.peers[1].seen


def test_submitted_envelope_is_signed_by_the_client_and_carries_the_proposal(fabric, contract):
    submitted = contract.submit_async("Grant", args=["erin", "2"])
    envelope = fabric.gateway.requests["Submit"][-1].prepared_transaction
    payload = common_pb2.Payload.FromString(envelope.payload)
    header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
    assert header.tx_id == submitted.transaction_id
    assert header.type == common_pb2.ENDORSER_TRANSACTION
    assert envelope.signature  # verified by the fake gateway before it committed


def test_transient_data_reaches_endorsers_but_not_the_ledger(fabric, contract):
    contract.submit("TransientKeys", transient={"secret": b"s3cr3t"})
    assert fabric.peers[0].seen[-1].transient == {"secret": b"s3cr3t"}
    block = fabric.ledger.blocks[-1]
    assert b"s3cr3t" not in block.data.data[0]


def test_a_single_string_is_not_mistaken_for_an_argument_list(contract):
    with pytest.raises(TypeError):
        contract.evaluate("Get", args="alice")
