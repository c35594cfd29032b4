"""Every Fabric failure becomes one API error with the right status, code and repeat rule."""
from __future__ import annotations

import grpc
import pytest
from fabric_protos.peer import transaction_pb2

from grootboek.api.errors import ApiError, Disposition, to_api_error
from grootboek.api.errors.chaincode_codes import BUDGETS, STATUSES, http_status
from grootboek.api.readmodel.backends import DatabaseUnavailable
from grootboek.chaincode.budgets.domain.errors import ErrorCode as BudgetCode
from grootboek.chaincode.registry.domain.errors import ErrorCode as RegistryCode
from grootboek.client import (
    CommitError,
    CommitStatusError,
    EndorseError,
    ErrorDetail,
    EvaluateError,
    SubmitError,
)


def _endorse_error(message: str, code=grpc.StatusCode.ABORTED, details=()) -> EndorseError:
    return EndorseError(message, transaction_id="tx1", code=code,
                        details=[ErrorDetail("peer0:7051", "MunicipalityMSP", d) for d in details])


def test_every_budgets_code_has_a_status_and_registry_codes_keep_theirs():
    assert set(BUDGETS) == {code.value for code in BudgetCode}
    for code in RegistryCode:
        assert STATUSES[code.value] == code.http_status
    assert all(400 <= status < 500 for status in STATUSES.values())
    assert http_status("SOME_OTHER_CHAINCODES_CODE") == 422


def test_a_refusal_in_an_endorser_detail_becomes_the_api_code():
    detail = "chaincode response 500, TRANSFER_PENDING: parcel P has t1 in progress"
    error = to_api_error(_endorse_error("failed to endorse transaction, see attached details for more info",
                                        details=[detail]))
    assert (error.status, error.code) == (409, "TRANSFER_PENDING")
    assert error.message == "parcel P has t1 in progress"
    assert (error.transaction_id, error.disposition) == ("tx1", Disposition.FINAL)


def test_an_evaluate_refusal_in_the_message_is_found_too():
    error = to_api_error(EvaluateError("evaluate call to endorser returned error: chaincode response 500, "
                                       "CODE_EXPIRED: the payment code has expired",
                                       code=grpc.StatusCode.UNKNOWN))
    assert (error.status, error.code) == (422, "CODE_EXPIRED")


def test_a_chaincode_bug_is_a_bad_gateway_not_the_callers_fault():
    bug = "chaincode response 500, INTERNAL: KeyError: 'x'"
    error = to_api_error(_endorse_error("failed", details=[bug]))
    assert (error.status, error.code, error.disposition) == (502, "CHAINCODE_FAILURE", Disposition.RETRY)


@pytest.mark.parametrize("code, status, api_code", [
    (grpc.StatusCode.UNAVAILABLE, 503, "PEER_UNAVAILABLE"),
    (grpc.StatusCode.DEADLINE_EXCEEDED, 504, "TIMEOUT"),
    (grpc.StatusCode.PERMISSION_DENIED, 403, "ACCESS_DENIED"),
    (grpc.StatusCode.NOT_FOUND, 404, "NOT_FOUND"),
])
def test_failed_endorsements_by_grpc_status_are_safe_to_repeat(code, status, api_code):
    error = to_api_error(_endorse_error("no luck", code=code))
    assert (error.status, error.code, error.disposition) == (status, api_code, Disposition.RETRY)


def test_names_fabric_does_not_know_are_4xx():
    channel = to_api_error(EvaluateError("failed to get config for channel [x]: could not get last config",
                                         code=grpc.StatusCode.UNAVAILABLE))
    chaincode = to_api_error(_endorse_error(
        "no combination of peers can be derived which satisfy the endorsement policy: "
        "No metadata was found for chaincode y in channel x", code=grpc.StatusCode.FAILED_PRECONDITION))
    assert (channel.status, channel.code) == (404, "CHANNEL_NOT_FOUND")
    assert (chaincode.status, chaincode.code) == (404, "CHAINCODE_NOT_FOUND")


def test_an_endorsement_mismatch_is_a_retryable_conflict():
    error = to_api_error(_endorse_error("failed to collect enough transaction endorsements"))
    assert (error.status, error.code, error.disposition) == (409, "ENDORSEMENT_MISMATCH", Disposition.RETRY)


def test_mvcc_conflicts_are_409_and_may_be_repeated_other_invalid_commits_are_final():
    mvcc = to_api_error(CommitError("tx1", transaction_pb2.MVCC_READ_CONFLICT, "MVCC_READ_CONFLICT", 7))
    policy = to_api_error(CommitError("tx2", transaction_pb2.ENDORSEMENT_POLICY_FAILURE,
                                      "ENDORSEMENT_POLICY_FAILURE", 8))
    assert (mvcc.status, mvcc.code, mvcc.disposition) == (409, "MVCC_READ_CONFLICT", Disposition.RETRY)
    assert (policy.status, policy.code) == (409, "ENDORSEMENT_POLICY_FAILURE")
    assert policy.disposition is Disposition.FINAL


def test_an_unknown_outcome_is_504_and_never_resubmitted():
    late = grpc.StatusCode.DEADLINE_EXCEEDED
    status = to_api_error(CommitStatusError("deadline", transaction_id="tx3", code=late))
    maybe_ordered = to_api_error(SubmitError("timeout", transaction_id="tx4", code=late))
    refused = to_api_error(SubmitError("bad", transaction_id="tx5", code=grpc.StatusCode.ABORTED))
    assert (status.status, status.code, status.disposition) == (504, "OUTCOME_UNKNOWN", Disposition.UNKNOWN)
    assert "tx3" in status.message and status.transaction_id == "tx3"
    assert maybe_ordered.disposition is Disposition.UNKNOWN
    assert (refused.status, refused.code, refused.disposition) == (502, "ORDERER_REFUSED", Disposition.RETRY)


def test_api_errors_pass_through_and_anything_else_is_an_internal_error():
    own = ApiError(418, "TEAPOT", "short and stout")
    assert to_api_error(own) is own
    bug = to_api_error(ZeroDivisionError("x"))
    assert (bug.status, bug.code, bug.disposition) == (500, "INTERNAL", Disposition.UNKNOWN)


def test_a_read_model_server_out_of_reach_is_a_503_to_retry_not_a_500():
    error = to_api_error(DatabaseUnavailable("connecting to the read model's database at postgresql://db/rm "
                                             "failed: connection refused"))
    assert (error.status, error.code, error.disposition) == (503, "DATABASE_UNAVAILABLE", Disposition.RETRY)
    assert error.headers == {"Retry-After": "5"}
    assert "postgresql://" not in error.message  # where the server is stays in the log
