"""A peer's Endorser service (ProcessProposal): what admin tooling uses for calls the gateway
does not make (system chaincodes, lifecycle) or when it must pick the endorsing peers itself."""
from __future__ import annotations

import grpc
from fabric_protos.common import common_pb2
from fabric_protos.peer import peer_pb2_grpc, proposal_pb2, proposal_response_pb2

from ..errors import EndorserError


def proposal_transaction_id(signed: proposal_pb2.SignedProposal) -> str:
    header = common_pb2.Header.FromString(
        proposal_pb2.Proposal.FromString(signed.proposal_bytes).header)
    return common_pb2.ChannelHeader.FromString(header.channel_header).tx_id


class Endorser:
    def __init__(self, channel: grpc.Channel) -> None:
        self._stub = peer_pb2_grpc.EndorserStub(channel)

    def process_proposal(self, signed: proposal_pb2.SignedProposal,
                         timeout: float = 30.0) -> proposal_response_pb2.ProposalResponse:
        """The peer's response; raises EndorserError if the call fails or the response status
        is not a success (2xx/3xx)."""
        tx_id = proposal_transaction_id(signed)
        try:
            response = self._stub.ProcessProposal(signed, timeout=timeout)
        except grpc.RpcError as error:
            raise EndorserError.from_rpc_error(error, tx_id) from None
        if not 200 <= response.response.status < 400:
            raise EndorserError(f"status {response.response.status}: {response.response.message}",
                                transaction_id=tx_id)
        return response
