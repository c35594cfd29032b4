import hashlib

from fabric_protos.common import common_pb2
from fabric_protos.peer import chaincode_pb2, proposal_pb2

from grootboek.client.identity import PrivateKeySigner, SigningIdentity, X509Identity
from grootboek.client.protocol.proposal_builder import build_proposal, sign_proposal
from grootboek.client.protocol.transaction_context import NONCE_BYTES

from .credentials import issue
from .fake_peer import parse_proposal, verify_signature


def signing_identity():
    creds = issue("Org1MSP")
    return SigningIdentity(X509Identity(creds.msp_id, creds.certificate_pem),
                           PrivateKeySigner(creds.key))


def test_transaction_id_is_recomputable_from_nonce_and_creator():
    signing = signing_identity()
    built = build_proposal(signing.creator, "mychannel", "budgets", ["Grant", b"\x00bin"])
    header = common_pb2.Header.FromString(built.proposal.header)
    signature_header = common_pb2.SignatureHeader.FromString(header.signature_header)
    channel_header = common_pb2.ChannelHeader.FromString(header.channel_header)
    assert len(signature_header.nonce) == NONCE_BYTES
    assert signature_header.creator == signing.creator
    expected = hashlib.sha256(signature_header.nonce + signature_header.creator).hexdigest()
    assert channel_header.tx_id == built.transaction_id == expected
    assert channel_header.type == common_pb2.ENDORSER_TRANSACTION
    assert channel_header.channel_id == "mychannel"
    assert channel_header.timestamp.seconds > 0
    extension = proposal_pb2.ChaincodeHeaderExtension.FromString(channel_header.extension)
    assert extension.chaincode_id.name == "budgets"


def test_each_proposal_gets_a_fresh_nonce():
    signing = signing_identity()
    ids = {build_proposal(signing.creator, "c", "cc", ["f"]).transaction_id for _ in range(20)}
    assert len(ids) == 20


def test_payload_holds_arguments_and_transient_data():
    signing = signing_identity()
    built = build_proposal(signing.creator, "mychannel", "budgets", ["Grant", "bob", b"\x01"],
                           transient={"price": "12", "key": b"\xff"})
    payload = proposal_pb2.ChaincodeProposalPayload.FromString(built.proposal.payload)
    spec = chaincode_pb2.ChaincodeInvocationSpec.FromString(payload.input).chaincode_spec
    assert list(spec.input.args) == [b"Grant", b"bob", b"\x01"]
    assert spec.chaincode_id.name == "budgets"
    assert dict(payload.TransientMap) == {"price": b"12", "key": b"\xff"}


def test_signed_proposal_passes_a_peers_checks():
    signing = signing_identity()
    built = build_proposal(signing.creator, "", "cscc", ["JoinChain", b"block"],
                           header_type=common_pb2.CONFIG)
    signed = sign_proposal(built.bytes(), signing)
    verify_signature(signing.creator, signed.proposal_bytes, signed.signature)
    parsed = parse_proposal(signed)  # also recomputes the transaction id
    assert (parsed.channel, parsed.header_type, parsed.chaincode) == ("", common_pb2.CONFIG, "cscc")
