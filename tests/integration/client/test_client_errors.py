"""Typed errors from a real network: endorser details, chaincode failures, invalid commits."""
from __future__ import annotations

import grpc
import pytest

from grootboek.client.errors import CommitError, EndorseError, EvaluateError
from grootboek.network.nodes.readiness import wait_for


def test_endorse_error_names_each_failing_endorser(fabric, conformance, key):
    proposal = conformance.new_proposal("State:write_then_fail", [key, "v"])
    with pytest.raises(EndorseError) as caught:
        proposal.endorse()
    error = caught.value
    assert error.transaction_id == proposal.transaction_id
    assert error.code == grpc.StatusCode.ABORTED
    peer = fabric.layout.peers(fabric.consortium.organization("Municipality"))[0]
    assert error.details, str(error)
    detail = error.details[0]
    assert detail.msp_id == "MunicipalityMSP"
    assert detail.address.endswith(str(peer.spec.port))
    assert "DELIBERATE_FAILURE" in detail.message
    assert "DELIBERATE_FAILURE" in str(error) and proposal.transaction_id in str(error)
    assert conformance.evaluate("State:get", [key]) == b""  # nothing was written


def test_evaluate_error_carries_the_chaincode_message(conformance, key):
    with pytest.raises(EvaluateError) as caught:
        conformance.evaluate("State:write_then_fail", [key, "v"])
    assert caught.value.code == grpc.StatusCode.UNKNOWN
    assert any("DELIBERATE_FAILURE" in d.message for d in caught.value.details)


def test_a_stale_read_fails_to_commit_with_mvcc_read_conflict(conformance, key):
    conformance.submit("State:put", [key, "first"])
    # submit returns once our own peer committed; both peers must read version 1, or their
    # endorsements differ before the read can go stale.
    wait_for(lambda: conformance.evaluate("State:get", [key], endorsing_organizations=["MerchantsMSP"])
             == b"first", "the first write committed on the Merchants peer")
    stale = conformance.new_proposal("State:get", [key]).endorse()  # reads version 1
    conformance.submit("State:put", [key, "second"])  # the key moves on
    with pytest.raises(CommitError) as caught:
        stale.submit().status().check()
    error = caught.value
    assert (error.validation_code_name, error.validation_code) == ("MVCC_READ_CONFLICT", 11)
    assert error.transaction_id == stale.transaction_id and error.block_number > 0


def test_submit_raises_commit_error_for_an_endorsement_policy_failure(conformance, key):
    with pytest.raises(CommitError) as caught:
        conformance.submit("State:put", [key, "v"], endorsing_organizations=["MunicipalityMSP"])
    assert caught.value.validation_code_name == "ENDORSEMENT_POLICY_FAILURE"
