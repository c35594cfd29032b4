"""A signed (or to-be-signed) transaction proposal, evaluated or endorsed through the gateway."""
from __future__ import annotations

from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import proposal_pb2

from .gateway_client import GatewayClient
from .identity.signing_identity import SigningIdentity
from .signable import Signable
from .transaction import Transaction


class Proposal(Signable):
    def __init__(self, client: GatewayClient, signing: SigningIdentity,
                 proposed: gateway_pb2.ProposedTransaction) -> None:
        super().__init__(signing, proposed, proposed.proposal, "proposal_bytes")
        self._client = client
        self._proposed = proposed
        header = common_pb2.Header.FromString(
            proposal_pb2.Proposal.FromString(proposed.proposal.proposal_bytes).header)
        self.channel = common_pb2.ChannelHeader.FromString(header.channel_header).channel_id

    @property
    def transaction_id(self) -> str:
        return self._proposed.transaction_id

    @property
    def endorsing_organizations(self) -> list[str]:
        return list(self._proposed.endorsing_organizations)

    def evaluate(self, timeout: float | None = None) -> bytes:
        """Runs the transaction function on one peer (of the endorsing organizations, if given)
        without ordering it: a query. Returns the chaincode's result."""
        self._ensure_signed()
        response = self._client.evaluate(gateway_pb2.EvaluateRequest(
            transaction_id=self.transaction_id, channel_id=self.channel,
            proposed_transaction=self._proposed.proposal,
            target_organizations=self._proposed.endorsing_organizations), timeout)
        return response.result.payload

    def endorse(self, timeout: float | None = None) -> Transaction:
        """Collects endorsements (from the endorsing organizations, if given, else as the
        chaincode's policy requires) and returns the transaction to submit."""
        self._ensure_signed()
        response = self._client.endorse(gateway_pb2.EndorseRequest(
            transaction_id=self.transaction_id, channel_id=self.channel,
            proposed_transaction=self._proposed.proposal,
            endorsing_organizations=self._proposed.endorsing_organizations), timeout)
        return Transaction(self._client, self._signing, gateway_pb2.PreparedTransaction(
            transaction_id=self.transaction_id, envelope=response.prepared_transaction))
