import grpc
import pytest
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import transaction_pb2

from grootboek.client.deadlines import Deadlines
from grootboek.client.identity import serialized_identity
from grootboek.client.errors import (
    CommitError,
    CommitStatusError,
    EndorseError,
    ErrorDetail,
    EvaluateError,
    GatewayError,
    SubmitError,
)


def detail(address, msp_id, message):
    return gateway_pb2.ErrorDetail(address=address, msp_id=msp_id, message=message)


def test_endorse_error_carries_every_endorsers_details(fabric, contract):
    proposal = contract.new_proposal("Spend", args=["bob", "10"])
    with pytest.raises(EndorseError) as caught:
        proposal.endorse()
    error = caught.value
    assert isinstance(error, GatewayError)
    assert error.transaction_id == proposal.transaction_id
    assert error.code == grpc.StatusCode.ABORTED
    assert error.details == (
        ErrorDetail("peer0.org1.example.com:7051", "Org1MSP",
                    "chaincode response 500, insufficient funds for bob"),
        ErrorDetail("peer0.org2.example.com:9051", "Org2MSP",
                    "chaincode response 500, insufficient funds for bob"),
    )
    text = str(error)
    assert text.startswith(f"endorse failed for transaction {proposal.transaction_id}: ABORTED: ")
    assert "\n  - peer0.org2.example.com:9051 (Org2MSP): chaincode response 500" in text


def test_endorsement_mismatch_details_are_decoded(fabric, contract):
    fabric.failures.add("Endorse", grpc.StatusCode.ABORTED,
                        "failed to collect enough transaction endorsements, see attached details",
                        detail("peer0.org2:9051", "Org2MSP", "ProposalResponsePayloads do not match"))
    with pytest.raises(EndorseError) as caught:
        contract.submit("Grant", args=["x", "1"])
    assert caught.value.message.startswith("failed to collect enough transaction endorsements")
    assert caught.value.details[0].message == "ProposalResponsePayloads do not match"


def test_evaluate_error(fabric, contract):
    with pytest.raises(EvaluateError) as caught:
        contract.evaluate("Spend", args=["bob"])
    assert caught.value.code == grpc.StatusCode.UNKNOWN
    assert caught.value.details[0].msp_id == "Org1MSP"


def test_submit_error(fabric, contract):
    fabric.failures.add("Submit", grpc.StatusCode.UNAVAILABLE,
                        "no orderers could successfully process transaction",
                        detail("orderer0:7050", "OrdererMSP", "connection refused"))
    with pytest.raises(SubmitError) as caught:
        contract.submit_async("Grant", args=["x", "1"])
    assert caught.value.code == grpc.StatusCode.UNAVAILABLE
    assert str(caught.value.details[0]) == "orderer0:7050 (OrdererMSP): connection refused"
    assert fabric.ledger.height == 1


def test_commit_error_names_the_validation_code(fabric, contract):
    fabric.ledger.next_codes.append(transaction_pb2.MVCC_READ_CONFLICT)
    with pytest.raises(CommitError) as caught:
        contract.submit("Grant", args=["x", "1"])
    error = caught.value
    assert isinstance(error, GatewayError)
    assert (error.validation_code, error.validation_code_name) == (11, "MVCC_READ_CONFLICT")
    assert error.block_number == 1
    assert error.transaction_id == fabric.gateway.requests["Submit"][-1].transaction_id
    assert "MVCC_READ_CONFLICT (11)" in str(error) and error.transaction_id in str(error)


def test_submit_async_status_reports_failure_without_raising(fabric, contract):
    fabric.ledger.next_codes.append(transaction_pb2.ENDORSEMENT_POLICY_FAILURE)
    status = contract.submit_async("Grant", args=["x", "1"]).status()
    assert not status.successful and status.code_name == "ENDORSEMENT_POLICY_FAILURE"
    with pytest.raises(CommitError, match="ENDORSEMENT_POLICY_FAILURE"):
        status.check()


def test_commit_status_deadline_is_a_commit_status_error(fabric, gateway, identity):
    never = gateway_pb2.CommitStatusRequest(channel_id="mychannel", transaction_id="never",
                                            identity=serialized_identity(gateway.identity))
    commit = gateway.new_commit(gateway_pb2.SignedCommitStatusRequest(
        request=never.SerializeToString()).SerializeToString())
    with pytest.raises(CommitStatusError) as caught:
        commit.status(timeout=0.2)
    assert caught.value.code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert caught.value.transaction_id == "never"


def about(remaining: float, deadline: float) -> bool:
    """The server sees the deadline minus transit, rounded up to grpc's wire resolution."""
    return deadline * 0.5 < remaining <= deadline * 1.05


def test_default_deadlines_reach_the_server(fabric, contract):
    contract.evaluate("Get", ["alice"])
    contract.submit("Grant", ["x", "1"])
    defaults = Deadlines()
    remaining = {method: values[-1] for method, values in fabric.gateway.time_remaining.items()}
    assert about(remaining["Evaluate"], defaults.evaluate)
    assert about(remaining["Endorse"], defaults.endorse)
    assert about(remaining["Submit"], defaults.submit)
    assert about(remaining["CommitStatus"], defaults.commit_status)


def test_per_call_deadlines_override_the_defaults(fabric, contract):
    contract.evaluate("Get", ["alice"], timeout=10)
    contract.submit("Grant", ["x", "1"], deadlines=Deadlines(endorse=20, submit=30, commit_status=40))
    remaining = {method: values[-1] for method, values in fabric.gateway.time_remaining.items()}
    assert about(remaining["Evaluate"], 10)
    assert about(remaining["Endorse"], 20)
    assert about(remaining["Submit"], 30)
    assert about(remaining["CommitStatus"], 40)
