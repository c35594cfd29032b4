"""Writing the signed proposal a client would send, for the in-memory ledger and the fake peer.

The shim only reads proposals (grootboek.chaincode.shim.proposal); making them is the client's part,
which tests play here.
"""
from __future__ import annotations

import hashlib
import os
from datetime import datetime, timezone

from fabric_protos.common import common_pb2
from fabric_protos.peer import chaincode_pb2, proposal_pb2


def compute_tx_id(nonce: bytes, creator: bytes) -> str:
    """Fabric's transaction id: hex SHA-256 of nonce followed by the creator."""
    return hashlib.sha256(nonce + creator).hexdigest()


def build_signed_proposal(
    *,
    channel_id: str,
    chaincode_name: str,
    creator: bytes,
    args: list[bytes],
    transient: dict[str, bytes] | None = None,
    timestamp: datetime | None = None,
    nonce: bytes | None = None,
    tx_id: str | None = None,
) -> tuple[str, proposal_pb2.SignedProposal]:
    """An unsigned but otherwise well-formed proposal, as a client would send; returns (tx id, it).

    For the in-memory ledger and the fake peer: the peer side of the shim never verifies signatures.
    `tx_id` overrides the id Fabric would derive from nonce and creator.
    """
    nonce = nonce if nonce is not None else os.urandom(24)
    tx_id = tx_id or compute_tx_id(nonce, creator)
    channel_header = common_pb2.ChannelHeader(
        type=common_pb2.ENDORSER_TRANSACTION, channel_id=channel_id, tx_id=tx_id
    )
    channel_header.timestamp.FromDatetime(timestamp or datetime.now(timezone.utc))
    channel_header.extension = proposal_pb2.ChaincodeHeaderExtension(
        chaincode_id=chaincode_pb2.ChaincodeID(name=chaincode_name)
    ).SerializeToString()
    header = common_pb2.Header(
        channel_header=channel_header.SerializeToString(),
        signature_header=common_pb2.SignatureHeader(creator=creator, nonce=nonce).SerializeToString(),
    )
    invocation = chaincode_pb2.ChaincodeInvocationSpec(
        chaincode_spec=chaincode_pb2.ChaincodeSpec(
            chaincode_id=chaincode_pb2.ChaincodeID(name=chaincode_name),
            input=chaincode_pb2.ChaincodeInput(args=args),
        )
    )
    payload = proposal_pb2.ChaincodeProposalPayload(
        input=invocation.SerializeToString(), TransientMap=transient or {}
    )
    proposal = proposal_pb2.Proposal(
        header=header.SerializeToString(), payload=payload.SerializeToString()
    )
    return tx_id, proposal_pb2.SignedProposal(proposal_bytes=proposal.SerializeToString())
