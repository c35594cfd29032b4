"""A channel as seen through the gateway: its contracts and its event streams."""
from __future__ import annotations

from fabric_protos.common import common_pb2
from fabric_protos.peer import events_pb2

from .block_events import (
    BlockAndPrivateDataEventsRequest,
    BlockEventsRequest,
    FilteredBlockEventsRequest,
)
from .chaincode_events import ChaincodeEvent, ChaincodeEventsRequest, chaincode_events_request
from .contract import Contract
from .event_stream import EventStream
from .gateway_client import GatewayClient
from .identity.signing_identity import SigningIdentity
from .protocol import seek


class Network:
    """Event streams start at `start_block`, or where a `checkpoint` says, or by default at the
    next block to commit. Block streams resume at the checkpoint's block; chaincode event streams
    also skip what the checkpoint's transaction already covered."""

    def __init__(self, client: GatewayClient, signing: SigningIdentity, name: str,
                 tls_cert_hash: bytes = b"") -> None:
        self._client = client
        self._signing = signing
        self.name = name
        self._tls_cert_hash = tls_cert_hash

    def contract(self, chaincode: str, contract_name: str | None = None) -> Contract:
        return Contract(self._client, self._signing, self.name, chaincode, contract_name)

    def new_chaincode_events_request(self, chaincode: str, start_block: int | None = None,
                                     checkpoint: seek.Checkpoint | None = None,
                                     ) -> ChaincodeEventsRequest:
        request = chaincode_events_request(self._signing, self.name, chaincode, start_block,
                                           checkpoint)
        return ChaincodeEventsRequest(self._client, self._signing, request)

    def chaincode_events(self, chaincode: str, start_block: int | None = None,
                         checkpoint: seek.Checkpoint | None = None) -> EventStream[ChaincodeEvent]:
        return self.new_chaincode_events_request(chaincode, start_block, checkpoint).events()

    def _seek(self, start_block: int | None, checkpoint: seek.Checkpoint | None) -> common_pb2.Envelope:
        position, _ = seek.start_position(start_block, checkpoint)
        return seek.seek_envelope(self._signing, self.name, position,
                                  tls_cert_hash=self._tls_cert_hash, sign=False)

    def new_block_events_request(self, start_block: int | None = None,
                                 checkpoint: seek.Checkpoint | None = None) -> BlockEventsRequest:
        return BlockEventsRequest(self._client.deliver, self._signing,
                                  self._seek(start_block, checkpoint))

    def block_events(self, start_block: int | None = None,
                     checkpoint: seek.Checkpoint | None = None) -> EventStream[common_pb2.Block]:
        return self.new_block_events_request(start_block, checkpoint).events()

    def new_filtered_block_events_request(self, start_block: int | None = None,
                                          checkpoint: seek.Checkpoint | None = None,
                                          ) -> FilteredBlockEventsRequest:
        return FilteredBlockEventsRequest(self._client.deliver, self._signing,
                                          self._seek(start_block, checkpoint))

    def filtered_block_events(self, start_block: int | None = None,
                              checkpoint: seek.Checkpoint | None = None,
                              ) -> EventStream[events_pb2.FilteredBlock]:
        return self.new_filtered_block_events_request(start_block, checkpoint).events()

    def new_block_and_private_data_events_request(self, start_block: int | None = None,
                                                  checkpoint: seek.Checkpoint | None = None,
                                                  ) -> BlockAndPrivateDataEventsRequest:
        return BlockAndPrivateDataEventsRequest(self._client.deliver, self._signing,
                                                self._seek(start_block, checkpoint))

    def block_and_private_data_events(self, start_block: int | None = None,
                                      checkpoint: seek.Checkpoint | None = None,
                                      ) -> EventStream[events_pb2.BlockAndPrivateData]:
        return self.new_block_and_private_data_events_request(start_block, checkpoint).events()
