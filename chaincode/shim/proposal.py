"""Reading the signed proposal a transaction carries.

The peer passes the client's SignedProposal along with each TRANSACTION. Decoding it costs a few
protobuf parses, so it happens only when contract code asks for the creator, transient data, the
binding or the timestamp.
"""
from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cached_property

from fabric_protos.common import common_pb2
from fabric_protos.peer import proposal_pb2

from .errors import ShimError
from .timestamps import to_datetime

_ACCEPTED_HEADER_TYPES = (common_pb2.ENDORSER_TRANSACTION, common_pb2.CONFIG)


class ProposalView:
    """Lazily decoded fields of a SignedProposal."""

    def __init__(self, signed: proposal_pb2.SignedProposal | None) -> None:
        self.signed = signed

    @cached_property
    def _headers(self) -> tuple[common_pb2.ChannelHeader, common_pb2.SignatureHeader, bytes]:
        if self.signed is None or not self.signed.proposal_bytes:
            raise ShimError("this transaction carries no signed proposal")
        try:
            proposal = proposal_pb2.Proposal.FromString(self.signed.proposal_bytes)
            header = common_pb2.Header.FromString(proposal.header)
            channel_header = common_pb2.ChannelHeader.FromString(header.channel_header)
            signature_header = common_pb2.SignatureHeader.FromString(header.signature_header)
        except Exception as exc:  # protobuf raises DecodeError and friends
            raise ShimError(f"malformed signed proposal: {exc}") from None
        if channel_header.type not in _ACCEPTED_HEADER_TYPES:
            raise ShimError(f"unexpected channel header type {channel_header.type} in proposal")
        return channel_header, signature_header, proposal.payload

    @property
    def creator(self) -> bytes:
        """The serialized identity (msp.SerializedIdentity) of the submitting client."""
        return self._headers[1].creator

    @cached_property
    def transient(self) -> dict[str, bytes]:
        payload = proposal_pb2.ChaincodeProposalPayload.FromString(self._headers[2])
        return dict(payload.TransientMap)

    @cached_property
    def binding(self) -> bytes:
        """SHA-256 of nonce, creator and epoch (little endian): ties a proposal to its client."""
        channel_header, signature_header, _ = self._headers
        epoch = channel_header.epoch.to_bytes(8, "little")
        return hashlib.sha256(signature_header.nonce + signature_header.creator + epoch).digest()

    @cached_property
    def timestamp(self) -> datetime:
        return to_datetime(self._headers[0].timestamp)
