"""Transaction envelopes: assembled from endorsements, signed by the client, read back.

`assemble_transaction` follows the peer CLI's rules (Fabric's protoutil.CreateSignedTx): every
proposal response must be successful and carry the same payload, endorsements are deduplicated by
endorser, and the transient map never reaches the ledger.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from fabric_protos.common import common_pb2
from fabric_protos.peer import proposal_pb2, proposal_response_pb2, transaction_pb2

from ..identity.signing_identity import SigningIdentity


@dataclass(frozen=True)
class TransactionInfo:
    channel: str
    transaction_id: str
    result: bytes
    """The chaincode's response payload, as endorsed."""


def transaction_payload(proposal: proposal_pb2.Proposal,
                        responses: Sequence[proposal_response_pb2.ProposalResponse]) -> bytes:
    """The serialized `common.Payload` that the submitter signs."""
    if not responses:
        raise ValueError("at least one proposal response is required")
    for response in responses:
        if not 200 <= response.response.status < 400:
            raise ValueError(f"proposal response was not successful: "
                             f"{response.response.status} {response.response.message}")
        if response.payload != responses[0].payload:
            raise ValueError("proposal response payloads do not match")
    endorsements: dict[bytes, proposal_response_pb2.Endorsement] = {}
    for response in responses:
        if response.HasField("endorsement"):
            endorsements.setdefault(response.endorsement.endorser, response.endorsement)
    if not endorsements:
        raise ValueError("no endorsements")

    header = common_pb2.Header.FromString(proposal.header)
    proposal_payload = proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload)
    action_payload = transaction_pb2.ChaincodeActionPayload(
        chaincode_proposal_payload=proposal_pb2.ChaincodeProposalPayload(
            input=proposal_payload.input).SerializeToString(),
        action=transaction_pb2.ChaincodeEndorsedAction(
            proposal_response_payload=responses[0].payload,
            endorsements=list(endorsements.values())),
    )
    transaction = transaction_pb2.Transaction(actions=[transaction_pb2.TransactionAction(
        header=header.signature_header, payload=action_payload.SerializeToString())])
    return common_pb2.Payload(header=header, data=transaction.SerializeToString()).SerializeToString()


def assemble_transaction(proposal: proposal_pb2.Proposal,
                         responses: Sequence[proposal_response_pb2.ProposalResponse],
                         signing: SigningIdentity) -> common_pb2.Envelope:
    """A signed transaction envelope, ready to broadcast to an orderer."""
    header = common_pb2.Header.FromString(proposal.header)
    creator = common_pb2.SignatureHeader.FromString(header.signature_header).creator
    if creator != signing.creator:
        raise ValueError("the signer must be the proposal's creator")
    payload = transaction_payload(proposal, responses)
    return common_pb2.Envelope(payload=payload, signature=signing.sign(payload))


def transaction_info(envelope: common_pb2.Envelope) -> TransactionInfo:
    """Channel, transaction id and chaincode result of an endorsed transaction envelope."""
    payload = common_pb2.Payload.FromString(envelope.payload)
    header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
    transaction = transaction_pb2.Transaction.FromString(payload.data)
    for action in transaction.actions:
        action_payload = transaction_pb2.ChaincodeActionPayload.FromString(action.payload)
        response_payload = proposal_response_pb2.ProposalResponsePayload.FromString(
            action_payload.action.proposal_response_payload)
        chaincode_action = proposal_pb2.ChaincodeAction.FromString(response_payload.extension)
        return TransactionInfo(header.channel_id, header.tx_id, chaincode_action.response.payload)
    raise ValueError("transaction envelope has no actions")
