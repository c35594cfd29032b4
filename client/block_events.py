"""Block events from the gateway peer's Deliver service: full blocks, filtered blocks (ids,
validation codes, event names) or blocks with the private data the client may see."""
from __future__ import annotations

from fabric_protos.common import common_pb2
from fabric_protos.peer import events_pb2

from .event_stream import EventStream
from .identity.signing_identity import SigningIdentity
from .protocol.deliver import PeerDeliver
from .signable import Signable


class _BlockEventsRequest(Signable):
    """A seek envelope (see `seek.seek_envelope`) for the peer's Deliver service."""

    def __init__(self, deliver: PeerDeliver, signing: SigningIdentity,
                 envelope: common_pb2.Envelope) -> None:
        super().__init__(signing, envelope, envelope, "payload")
        self._deliver = deliver
        self._envelope = envelope

    def _signed(self) -> common_pb2.Envelope:
        self._ensure_signed()
        return self._envelope


class BlockEventsRequest(_BlockEventsRequest):
    def events(self, timeout: float | None = None) -> EventStream[common_pb2.Block]:
        return self._deliver.blocks(self._signed(), timeout)


class FilteredBlockEventsRequest(_BlockEventsRequest):
    def events(self, timeout: float | None = None) -> EventStream[events_pb2.FilteredBlock]:
        return self._deliver.filtered_blocks(self._signed(), timeout)


class BlockAndPrivateDataEventsRequest(_BlockEventsRequest):
    def events(self, timeout: float | None = None) -> EventStream[events_pb2.BlockAndPrivateData]:
        return self._deliver.blocks_with_private_data(self._signed(), timeout)
