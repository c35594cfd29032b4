import pytest
from fabric_protos.common import common_pb2
from fabric_protos.peer import proposal_pb2, transaction_pb2

from grootboek.client.identity import PrivateKeySigner, SigningIdentity, X509Identity
from grootboek.client.protocol.envelope import assemble_transaction, transaction_info, transaction_payload
from grootboek.client.protocol.proposal_builder import build_proposal, sign_proposal

from .credentials import issue
from .fake_peer import ChaincodeFailure, FakePeer, verify_signature


def fail(args, transient):
    raise ChaincodeFailure("nope")


@pytest.fixture
def setup():
    creds = issue("Org1MSP")
    signing = SigningIdentity(X509Identity(creds.msp_id, creds.certificate_pem),
                              PrivateKeySigner(creds.key))
    chaincodes = {"budgets": {"Grant": lambda args, transient: b"granted", "Fail": fail}}
    peers = [FakePeer(issue("Org1MSP", "p1"), "p1:7051", chaincodes),
             FakePeer(issue("Org2MSP", "p2"), "p2:9051", chaincodes)]
    return signing, peers


def endorse(signing, peers, function="Grant", transient=None):
    built = build_proposal(signing.creator, "mychannel", "budgets", [function], transient)
    signed = sign_proposal(built.bytes(), signing)
    return built, [peer.process(signed) for peer in peers]


def test_assembles_a_signed_transaction_from_endorsements(setup):
    signing, peers = setup
    built, responses = endorse(signing, peers, transient={"secret": b"s"})
    envelope = assemble_transaction(built.proposal, responses + [responses[0]], signing)
    verify_signature(signing.creator, envelope.payload, envelope.signature)

    payload = common_pb2.Payload.FromString(envelope.payload)
    assert payload.header.SerializeToString() == built.proposal.header
    transaction = transaction_pb2.Transaction.FromString(payload.data)
    action = transaction.actions[0]
    assert action.header == payload.header.signature_header
    action_payload = transaction_pb2.ChaincodeActionPayload.FromString(action.payload)
    assert len(action_payload.action.endorsements) == 2  # the duplicate endorser counted once
    proposal_payload = proposal_pb2.ChaincodeProposalPayload.FromString(
        action_payload.chaincode_proposal_payload)
    assert not proposal_payload.TransientMap  # private input never reaches the ledger
    assert b"secret" not in envelope.payload

    info = transaction_info(envelope)
    assert (info.channel, info.transaction_id, info.result) == ("mychannel", built.transaction_id,
                                                                b"granted")


def test_refuses_failed_or_mismatched_responses(setup):
    signing, peers = setup
    built, failed = endorse(signing, peers, "Fail")
    with pytest.raises(ValueError, match="not successful"):
        transaction_payload(built.proposal, failed)
    built, responses = endorse(signing, peers)
    _, other = endorse(signing, peers)
    with pytest.raises(ValueError, match="do not match"):
        transaction_payload(built.proposal, [responses[0], other[0]])
    with pytest.raises(ValueError, match="at least one"):
        transaction_payload(built.proposal, [])


def test_only_the_proposals_creator_may_sign(setup):
    signing, peers = setup
    built, responses = endorse(signing, peers)
    stranger = issue("Org1MSP", "stranger")
    other = SigningIdentity(X509Identity(stranger.msp_id, stranger.certificate_pem),
                            PrivateKeySigner(stranger.key))
    with pytest.raises(ValueError, match="creator"):
        assemble_transaction(built.proposal, responses, other)
