"""Chaincode events of committed (valid) transactions, streamed by the peer's gateway."""
from __future__ import annotations

from dataclasses import dataclass

from fabric_protos.gateway import gateway_pb2

from .event_stream import EventStream
from .gateway_client import GatewayClient
from .identity.signing_identity import SigningIdentity
from .protocol import seek
from .signable import Signable


@dataclass(frozen=True)
class ChaincodeEvent:
    block_number: int
    transaction_id: str
    chaincode_name: str
    event_name: str
    payload: bytes


def _events_of(response: gateway_pb2.ChaincodeEventsResponse) -> list[ChaincodeEvent]:
    return [ChaincodeEvent(response.block_number, event.tx_id, event.chaincode_id,
                           event.event_name, event.payload) for event in response.events]


def chaincode_events_request(signing: SigningIdentity, channel: str, chaincode: str,
                             start_block: int | None = None,
                             checkpoint: seek.Checkpoint | None = None,
                             ) -> gateway_pb2.SignedChaincodeEventsRequest:
    """Unsigned request; resuming from a checkpoint skips the events up to and including its
    transaction in its block (the gateway does the skipping)."""
    position, after_transaction_id = seek.start_position(start_block, checkpoint)
    request = gateway_pb2.ChaincodeEventsRequest(
        channel_id=channel, chaincode_id=chaincode, identity=signing.creator,
        start_position=position, after_transaction_id=after_transaction_id)
    return gateway_pb2.SignedChaincodeEventsRequest(request=request.SerializeToString())


class ChaincodeEventsRequest(Signable):
    def __init__(self, client: GatewayClient, signing: SigningIdentity,
                 request: gateway_pb2.SignedChaincodeEventsRequest) -> None:
        super().__init__(signing, request, request, "request")
        self._client = client
        self._request = request

    def events(self, timeout: float | None = None) -> EventStream[ChaincodeEvent]:
        """Streams events until closed (or `timeout` seconds, if given)."""
        self._ensure_signed()
        return self._client.chaincode_events(self._request, _events_of, timeout)
