"""Evaluate and submit through a real peer's gateway, with every option."""
from __future__ import annotations

import base64
import json

from fabric_protos.common import common_pb2
from fabric_protos.msp import identities_pb2
from fabric_protos.peer import transaction_pb2

from grootboek.client.profile import connect_with_profile

CHANNEL = "kindpakket"


def transaction_in(block: common_pb2.Block, tx_id: str) -> transaction_pb2.Transaction:
    for data in block.data.data:
        payload = common_pb2.Payload.FromString(common_pb2.Envelope.FromString(data).payload)
        if common_pb2.ChannelHeader.FromString(payload.header.channel_header).tx_id == tx_id:
            return transaction_pb2.Transaction.FromString(payload.data)
    raise AssertionError(f"{tx_id} not in block {block.header.number}")


def endorsing_msps(block: common_pb2.Block, tx_id: str) -> set[str]:
    action = transaction_pb2.ChaincodeActionPayload.FromString(
        transaction_in(block, tx_id).actions[0].payload)
    return {identities_pb2.SerializedIdentity.FromString(e.endorser).mspid
            for e in action.action.endorsements}


def block_number_of(gateway, number: int) -> common_pb2.Block:
    with gateway.network(CHANNEL).block_events(start_block=number) as blocks:
        return next(blocks)


def test_evaluate_and_submit(conformance, key):
    assert conformance.submit("State:put", [key, "v1"]) == b""
    assert conformance.evaluate("State:get", [key]) == b"v1"


def test_contract_name_qualifies_functions(municipality, key):
    state = municipality.network(CHANNEL).contract("conformance", "State")
    state.submit("put", [key, "qualified"])
    assert state.evaluate("get", [key]) == b"qualified"


def test_submit_async_reports_status_and_the_block_it_committed_in(municipality, conformance, key):
    submitted = conformance.submit_async("State:put", [key, "async"])
    status = submitted.status()
    assert status.successful and status.code_name == "VALID"
    assert status.transaction_id == submitted.transaction_id
    block = block_number_of(municipality, status.block_number)
    transaction_in(block, submitted.transaction_id)  # it is really there


def test_transient_data_reaches_the_chaincode_but_not_the_ledger(municipality, conformance, key):
    secret = b"\x00sealed bid\xff"
    seen = json.loads(conformance.evaluate("Tx:transient", transient={"bid": secret}))
    assert base64.b64decode(seen["bid"]) == secret

    submitted = conformance.submit_async("Private:put_transient", [key],
                                         transient={"value": "private value"})
    status = submitted.status().check()
    assert conformance.evaluate("Private:get", [key]) == b"private value"
    block = block_number_of(municipality, status.block_number)
    assert b"private value" not in block.SerializeToString()


def test_endorsing_organizations_choose_the_endorsers(municipality, conformance, key):
    both = conformance.submit_async("State:put", [key, "x"],
                                    endorsing_organizations=["MunicipalityMSP", "MerchantsMSP"])
    block = block_number_of(municipality, both.status().check().block_number)
    assert endorsing_msps(block, both.transaction_id) == {"MunicipalityMSP", "MerchantsMSP"}

    # The chaincode's policy needs both organisations: one alone is honoured, then invalidated.
    alone = conformance.submit_async("State:put", [key, "y"],
                                     endorsing_organizations=["MunicipalityMSP"])
    status = alone.status()
    assert status.code_name == "ENDORSEMENT_POLICY_FAILURE"
    block = block_number_of(municipality, status.block_number)
    assert endorsing_msps(block, alone.transaction_id) == {"MunicipalityMSP"}
    assert conformance.evaluate("State:get", [key]) == b"x"


def test_evaluate_on_a_chosen_organisation(conformance):
    who = json.loads(conformance.evaluate("Tx:whoami", endorsing_organizations=["MerchantsMSP"]))
    assert who["msp_id"] == "MunicipalityMSP"  # the caller, whichever peer ran it


def test_offline_signed_submit(fabric, admin_credentials, key):
    identity, remote_signer = admin_credentials
    with connect_with_profile(fabric.layout.profile("Municipality"), identity) as gateway:
        contract = gateway.network(CHANNEL).contract("conformance")
        unsigned = contract.new_proposal("State:put", [key, "offline"])
        proposal = gateway.new_signed_proposal(unsigned.bytes(), remote_signer(unsigned.digest()))
        endorsed = proposal.endorse()
        transaction = gateway.new_signed_transaction(endorsed.bytes(),
                                                     remote_signer(endorsed.digest()))
        submitted = transaction.submit()
        commit = gateway.new_signed_commit(submitted.bytes(), remote_signer(submitted.digest()))
        assert commit.status().successful

        query = contract.new_proposal("State:get", [key])
        signed_query = gateway.new_signed_proposal(query.bytes(), remote_signer(query.digest()))
        assert signed_query.evaluate() == b"offline"
