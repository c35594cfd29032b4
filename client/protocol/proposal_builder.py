"""Builds and signs chaincode proposals for any chaincode, including system chaincodes.

This is the low-level piece under `Contract`; admin tooling uses it directly, e.g. for cscc
JoinChain (header type CONFIG, empty channel) or _lifecycle calls (see `system_chaincodes`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from fabric_protos.common import common_pb2
from fabric_protos.peer import chaincode_pb2, proposal_pb2

from ..identity.signing_identity import SigningIdentity
from .transaction_context import TransactionContext, channel_header


@dataclass(frozen=True)
class BuiltProposal:
    """An unsigned proposal and its transaction id."""

    proposal: proposal_pb2.Proposal
    transaction_id: str

    def bytes(self) -> bytes:
        return self.proposal.SerializeToString()


def as_bytes(value: bytes | str) -> bytes:
    return value.encode() if isinstance(value, str) else bytes(value)


def build_proposal(creator: bytes, channel: str, chaincode: str, args: Sequence[bytes | str],
                   transient: Mapping[str, bytes | str] | None = None,
                   header_type: int = common_pb2.ENDORSER_TRANSACTION) -> BuiltProposal:
    """A proposal to invoke `chaincode` with `args` (function name first) on `channel` ("" for
    channel-less system calls). Transient data goes to the endorsers only, never to the ledger."""
    context = TransactionContext.new(creator)
    chaincode_id = chaincode_pb2.ChaincodeID(name=chaincode)
    extension = proposal_pb2.ChaincodeHeaderExtension(chaincode_id=chaincode_id)
    header = common_pb2.Header(
        channel_header=channel_header(header_type, channel, context.transaction_id,
                                      extension.SerializeToString()),
        signature_header=context.signature_header(),
    )
    invocation = chaincode_pb2.ChaincodeInvocationSpec(chaincode_spec=chaincode_pb2.ChaincodeSpec(
        chaincode_id=chaincode_id,
        input=chaincode_pb2.ChaincodeInput(args=[as_bytes(arg) for arg in args]),
    ))
    payload = proposal_pb2.ChaincodeProposalPayload(
        input=invocation.SerializeToString(),
        TransientMap={key: as_bytes(value) for key, value in (transient or {}).items()},
    )
    proposal = proposal_pb2.Proposal(header=header.SerializeToString(),
                                     payload=payload.SerializeToString())
    return BuiltProposal(proposal, context.transaction_id)


def sign_proposal(proposal_bytes: bytes, signing: SigningIdentity) -> proposal_pb2.SignedProposal:
    return proposal_pb2.SignedProposal(proposal_bytes=proposal_bytes,
                                       signature=signing.sign(proposal_bytes))
