import grpc
import pytest
from fabric_protos.common import common_pb2
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
from grootboek.client.retry import RetryPolicy, settle, submit_was_not_ordered, submit_with_retry

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


def test_unknown_submit_outcome_re_sends_the_envelope_and_asks_its_status(fabric, contract):
    fabric.gateway.lose_submit_responses = 1  # ordered and committed, but the reply got lost
    assert submit_with_retry(contract, "Grant", ["bob", "2"], sleep=lambda s: None) == b"2"
    assert len(fabric.gateway.requests["Submit"]) == 2 and len(tx_ids(fabric)) == 1
    assert fabric.ledger.statuses[tx_ids(fabric)[0]].block_number == 1  # block 2 holds the copy
    asked = gateway_pb2.CommitStatusRequest.FromString(
        fabric.gateway.requests["CommitStatus"][-1].request).transaction_id
    assert asked == tx_ids(fabric)[0]


def test_a_transaction_the_orderers_lost_is_settled_by_re_sending_the_same_envelope(fabric, contract):
    fabric.failures.add("Submit", grpc.StatusCode.UNAVAILABLE, "connection reset")  # never ordered
    assert submit_with_retry(contract, "Grant", ["bob", "2"], sleep=lambda s: None) == b"2"
    sent = fabric.gateway.requests["Submit"]
    assert len(tx_ids(fabric)) == 1 and len(sent) == 2
    assert sent[0].prepared_transaction == sent[1].prepared_transaction  # the same signed envelope
    assert fabric.ledger.height == 2


def test_a_re_sent_copy_of_a_committed_transaction_is_a_harmless_duplicate(fabric, contract):
    fabric.failures.add("CommitStatus", grpc.StatusCode.UNAVAILABLE, "gateway restarting")
    assert submit_with_retry(contract, "Grant", ["bob", "2"], sleep=lambda s: None) == b"2"
    codes = [block.metadata.metadata[common_pb2.TRANSACTIONS_FILTER] for block in fabric.ledger.blocks[1:]]
    assert codes == [bytes([transaction_pb2.VALID]), bytes([transaction_pb2.DUPLICATE_TXID])]
    assert fabric.ledger.statuses[tx_ids(fabric)[0]].validation_code == transaction_pb2.VALID


def test_when_the_outcome_stays_unknown_it_gives_up_without_a_new_proposal(fabric, contract):
    for _ in range(2):
        fabric.failures.add("Submit", grpc.StatusCode.UNAVAILABLE, "connection reset")
    with pytest.raises(CommitStatusError) as caught:
        submit_with_retry(contract, "Grant", ["bob", "2"], policy=RetryPolicy(status_queries=1),
                          deadlines=Deadlines(commit_status=0.2), sleep=lambda s: None)
    assert caught.value.code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert len(tx_ids(fabric)) == 1 and len(fabric.gateway.requests["CommitStatus"]) == 1
    assert fabric.ledger.height == 1


def test_a_signed_envelope_kept_by_on_signed_settles_later_from_its_bytes(fabric, contract,
                                                                       gateway):
    kept = {}
    for _ in range(2):
        fabric.failures.add("Submit", grpc.StatusCode.UNAVAILABLE, "orderers down")
    with pytest.raises(CommitStatusError):
        submit_with_retry(contract, "Grant", ["bob", "3"], policy=RetryPolicy(status_queries=1),
                          deadlines=Deadlines(commit_status=0.2), sleep=lambda s: None,
                          on_signed=lambda tx_id, envelope: kept.update({tx_id: envelope}))
    (tx_id, envelope), = kept.items()
    assert tx_id == tx_ids(fabric)[0] and fabric.ledger.height == 1
    status = settle(gateway.new_transaction(envelope))  # the orderers are back
    assert (status.transaction_id, status.successful) == (tx_id, True)
    assert len(tx_ids(fabric)) == 1 and fabric.ledger.height == 2


def test_rejected_submits_are_not_retried(fabric, contract):
    fabric.failures.add("Submit", grpc.StatusCode.ABORTED,
                        "received unsuccessful response from orderer: status=BAD_REQUEST")
    with pytest.raises(SubmitError):
        submit_with_retry(contract, "Grant", ["bob", "2"], sleep=lambda s: None)
    assert len(tx_ids(fabric)) == 1 and "CommitStatus" not in fabric.gateway.requests


def test_a_transient_commit_status_failure_is_asked_again_after_a_re_send(fabric, contract):
    fabric.failures.add("CommitStatus", grpc.StatusCode.UNAVAILABLE, "gateway restarting")
    assert submit_with_retry(contract, "Grant", ["bob", "5"], sleep=lambda s: None) == b"5"
    assert len(fabric.gateway.requests["CommitStatus"]) == 2 and len(tx_ids(fabric)) == 1
