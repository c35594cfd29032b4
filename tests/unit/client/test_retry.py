import grpc
import pytest
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import transaction_pb2

from grootboek.client.deadlines import Deadlines
from grootboek.client.errors import (
    CommitError,
    CommitStatusError,
    EndorseError,
    ErrorDetail,
    SubmitError,
)
from grootboek.client.retry import RetryPolicy, submit_was_not_ordered, submit_with_retry

MVCC = transaction_pb2.MVCC_READ_CONFLICT


def endorse_error(message, *details):
    return EndorseError(message, transaction_id="t", code=grpc.StatusCode.ABORTED,
                        details=[ErrorDetail("p:1", "Org1MSP", d) for d in details])


def test_retry_decisions():
    policy = RetryPolicy()
    assert policy.retries(endorse_error(
        "failed to collect enough transaction endorsements, see attached details"))
    assert policy.retries(endorse_error("failed to endorse transaction", "read value mismatch"))
    assert not policy.retries(endorse_error("failed to endorse transaction",
                                            "chaincode response 500, insufficient funds"))
    assert not policy.retries(EndorseError("ProposalResponsePayloads do not match",
                                           code=grpc.StatusCode.UNAVAILABLE))
    assert policy.retries(CommitError("t", MVCC, "MVCC_READ_CONFLICT", 3))
    assert policy.retries(CommitError("t", transaction_pb2.PHANTOM_READ_CONFLICT, "PHANTOM", 3))
    assert not policy.retries(CommitError("t", transaction_pb2.ENDORSEMENT_POLICY_FAILURE, "E", 3))
    assert not policy.retries(SubmitError("x", code=grpc.StatusCode.ABORTED))


def test_submit_outcome_is_known_only_for_rejections():
    assert submit_was_not_ordered(SubmitError("bad", code=grpc.StatusCode.ABORTED))
    assert submit_was_not_ordered(SubmitError("bad", code=grpc.StatusCode.INVALID_ARGUMENT))
    assert not submit_was_not_ordered(SubmitError("?", code=grpc.StatusCode.DEADLINE_EXCEEDED))
    assert not submit_was_not_ordered(SubmitError("?", code=grpc.StatusCode.UNAVAILABLE))


def test_backoff_is_bounded_and_grows():
    policy = RetryPolicy(initial_backoff=0.1, max_backoff=0.3)
    for attempt, bound in ((1, 0.1), (2, 0.2), (3, 0.3), (9, 0.3)):
        assert all(0 <= policy.backoff(attempt) <= bound for _ in range(50))
    with pytest.raises(ValueError):
        RetryPolicy(attempts=0)


def tx_ids(fabric):
    return [r.transaction_id for r in fabric.gateway.requests["Endorse"]]


def test_mvcc_conflicts_are_retried_with_new_proposals(fabric, contract):
    fabric.ledger.next_codes += [MVCC, MVCC]
    pauses, proposed = [], []
    assert submit_with_retry(contract, "Grant", ["bob", "4"], on_proposal=proposed.append,
                             sleep=pauses.append) == b"4"
    assert len(set(tx_ids(fabric))) == 3 and len(pauses) == 2
    assert proposed == tx_ids(fabric)  # heard before endorsement; the last one committed
    assert [fabric.ledger.statuses[t].validation_code for t in tx_ids(fabric)] == [MVCC, MVCC, 0]


def test_retries_stop_after_the_last_attempt(fabric, contract):
    fabric.ledger.next_codes += [MVCC] * 3
    with pytest.raises(CommitError) as caught:
        submit_with_retry(contract, "Grant", ["bob", "4"], policy=RetryPolicy(attempts=3),
                          sleep=lambda s: None)
    assert caught.value.validation_code_name == "MVCC_READ_CONFLICT"
    assert len(tx_ids(fabric)) == 3


def test_endorsement_mismatch_is_retried_but_chaincode_errors_are_not(fabric, contract):
    fabric.failures.add("Endorse", grpc.StatusCode.ABORTED,
                        "failed to collect enough transaction endorsements, see attached details")
    assert submit_with_retry(contract, "Grant", ["bob", "1"], sleep=lambda s: None) == b"1"
    assert len(tx_ids(fabric)) == 2
    with pytest.raises(EndorseError):
        submit_with_retry(contract, "Spend", ["bob", "1"], sleep=lambda s: None)
    assert len(tx_ids(fabric)) == 3


def test_unknown_submit_outcome_asks_the_status_and_never_resubmits(fabric, contract):
    fabric.gateway.lose_submit_responses = 1  # ordered and committed, but the reply got lost
    assert submit_with_retry(contract, "Grant", ["bob", "2"], sleep=lambda s: None) == b"2"
    assert len(fabric.gateway.requests["Submit"]) == 1 and fabric.ledger.height == 2
    asked = gateway_pb2.CommitStatusRequest.FromString(
        fabric.gateway.requests["CommitStatus"][-1].request).transaction_id
    assert asked == tx_ids(fabric)[0]


def test_when_the_outcome_stays_unknown_it_gives_up_without_resubmitting(fabric, contract):
    fabric.failures.add("Submit", grpc.StatusCode.UNAVAILABLE, "connection reset")
    with pytest.raises(CommitStatusError) as caught:
        submit_with_retry(contract, "Grant", ["bob", "2"], policy=RetryPolicy(status_queries=2),
                          deadlines=Deadlines(commit_status=0.2), sleep=lambda s: None)
    assert caught.value.code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert len(tx_ids(fabric)) == 1 and len(fabric.gateway.requests["CommitStatus"]) == 2
    assert fabric.ledger.height == 1


def test_rejected_submits_are_not_retried(fabric, contract):
    fabric.failures.add("Submit", grpc.StatusCode.ABORTED,
                        "received unsuccessful response from orderer: status=BAD_REQUEST")
    with pytest.raises(SubmitError):
        submit_with_retry(contract, "Grant", ["bob", "2"], sleep=lambda s: None)
    assert len(tx_ids(fabric)) == 1 and "CommitStatus" not in fabric.gateway.requests


def test_a_transient_commit_status_failure_is_asked_again(fabric, contract):
    fabric.failures.add("CommitStatus", grpc.StatusCode.UNAVAILABLE, "gateway restarting")
    assert submit_with_retry(contract, "Grant", ["bob", "5"], sleep=lambda s: None) == b"5"
    assert len(fabric.gateway.requests["CommitStatus"]) == 2 and len(tx_ids(fabric)) == 1
