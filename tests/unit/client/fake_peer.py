"""A fake endorsing peer: checks what a real peer checks about a proposal (creator signature,
low-S, transaction id), runs a Python 'chaincode' and endorses the result."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from fabric_protos.common import common_pb2
from fabric_protos.ledger.rwset import rwset_pb2
from fabric_protos.msp import identities_pb2
from fabric_protos.peer import (
    chaincode_event_pb2,
    chaincode_pb2,
    proposal_pb2,
    proposal_response_pb2,
)

from .credentials import Credentials

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


class SignatureRejected(Exception):
    pass


class ChaincodeFailure(Exception):
    """Raised by a fake chaincode function: the peer answers status 500 with this message."""


@dataclass
class Outcome:
    payload: bytes = b""
    event: tuple[str, bytes] | None = None


Function = Callable[[list[bytes], dict[str, bytes]], "bytes | Outcome"]


def creator_of(identity: Credentials) -> bytes:
    return identities_pb2.SerializedIdentity(
        mspid=identity.msp_id, id_bytes=identity.certificate_pem).SerializeToString()


def verify_signature(creator: bytes, message: bytes, signature: bytes) -> None:
    """What an MSP does: ECDSA-SHA256 by the creator's certificate key, and low-S only."""
    certificate = x509.load_pem_x509_certificate(
        identities_pb2.SerializedIdentity.FromString(creator).id_bytes)
    try:
        certificate.public_key().verify(signature, message, ec.ECDSA(hashes.SHA256()))
        _, s = decode_dss_signature(signature)
    except Exception as exc:
        raise SignatureRejected(f"signature does not verify: {exc!r}") from None
    if s > P256_ORDER // 2:
        raise SignatureRejected("signature is not low-S")


def sign(identity: Credentials, message: bytes) -> bytes:
    return identity.key.sign(message, ec.ECDSA(hashes.SHA256()))


@dataclass
class ParsedProposal:
    channel: str
    tx_id: str
    header_type: int
    creator: bytes
    chaincode: str
    args: list[bytes]
    transient: dict[str, bytes]
    header: bytes
    input: bytes


def parse_proposal(signed: proposal_pb2.SignedProposal) -> ParsedProposal:
    proposal = proposal_pb2.Proposal.FromString(signed.proposal_bytes)
    header = common_pb2.Header.FromString(proposal.header)
    channel_header = common_pb2.ChannelHeader.FromString(header.channel_header)
    signature_header = common_pb2.SignatureHeader.FromString(header.signature_header)
    verify_signature(signature_header.creator, signed.proposal_bytes, signed.signature)
    expected = hashlib.sha256(signature_header.nonce + signature_header.creator).hexdigest()
    if channel_header.tx_id != expected:
        raise SignatureRejected(f"transaction id {channel_header.tx_id} should be {expected}")
    payload = proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload)
    spec = chaincode_pb2.ChaincodeInvocationSpec.FromString(payload.input).chaincode_spec
    return ParsedProposal(channel_header.channel_id, channel_header.tx_id, channel_header.type,
                          signature_header.creator, spec.chaincode_id.name, list(spec.input.args),
                          dict(payload.TransientMap), proposal.header, payload.input)


@dataclass
class FakePeer:
    identity: Credentials
    address: str
    chaincodes: dict[str, dict[str, Function]] = field(default_factory=dict)
    seen: list[ParsedProposal] = field(default_factory=list)

    @property
    def msp_id(self) -> str:
        return self.identity.msp_id

    def process(self, signed: proposal_pb2.SignedProposal) -> proposal_response_pb2.ProposalResponse:
        proposal = parse_proposal(signed)
        self.seen.append(proposal)
        function = self.chaincodes.get(proposal.chaincode, {}).get(proposal.args[0].decode())
        if function is None:
            return _failure(f"no function {proposal.args[0]!r} in {proposal.chaincode}")
        try:
            outcome = function(proposal.args[1:], proposal.transient)
        except ChaincodeFailure as failure:
            return _failure(str(failure))
        if isinstance(outcome, bytes):
            outcome = Outcome(outcome)
        response = proposal_response_pb2.Response(status=200, payload=outcome.payload)
        action = proposal_pb2.ChaincodeAction(
            response=response,
            chaincode_id=chaincode_pb2.ChaincodeID(name=proposal.chaincode),
            events=chaincode_event_pb2.ChaincodeEvent(
                chaincode_id=proposal.chaincode, tx_id=proposal.tx_id,
                event_name=outcome.event[0], payload=outcome.event[1],
            ).SerializeToString() if outcome.event else b"",
        )
        response_payload = proposal_response_pb2.ProposalResponsePayload(
            proposal_hash=hashlib.sha256(proposal.header + proposal.input).digest(),
            extension=action.SerializeToString(),
        ).SerializeToString()
        endorser = creator_of(self.identity)
        return proposal_response_pb2.ProposalResponse(
            version=1, response=response, payload=response_payload,
            endorsement=proposal_response_pb2.Endorsement(
                endorser=endorser, signature=sign(self.identity, response_payload + endorser)),
        )


def _failure(message: str) -> proposal_response_pb2.ProposalResponse:
    return proposal_response_pb2.ProposalResponse(
        version=1, response=proposal_response_pb2.Response(status=500, message=message))


def private_data_of(proposal: ParsedProposal) -> rwset_pb2.TxPvtReadWriteSet | None:
    """Transient data becomes the transaction's private write set (collection 'private')."""
    if not proposal.transient:
        return None
    return rwset_pb2.TxPvtReadWriteSet(ns_pvt_rwset=[rwset_pb2.NsPvtReadWriteSet(
        namespace=proposal.chaincode,
        collection_pvt_rwset=[rwset_pb2.CollectionPvtReadWriteSet(
            collection_name="private", rwset=b"".join(proposal.transient.values()))],
    )])
