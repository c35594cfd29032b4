"""Block streams from the Deliver services of peers (full, filtered, with private data) and
orderers, plus one-shot fetches such as a channel's latest config block.

Requests are signed seek envelopes (see `seek.seek_envelope`). A stream that ends with a status
other than SUCCESS raises `DeliverError` (e.g. FORBIDDEN when the creator may not read the
channel, NOT_FOUND for an unknown channel).
"""
from __future__ import annotations

from typing import Callable, Protocol

import grpc
from fabric_protos.common import common_pb2
from fabric_protos.orderer import ab_pb2, ab_pb2_grpc
from fabric_protos.peer import events_pb2, events_pb2_grpc

from ..errors import DeliverError
from ..event_stream import EventStream
from ..identity.signing_identity import SigningIdentity
from . import seek


def _stream(method: Callable, envelope: common_pb2.Envelope, field: str,
            timeout: float | None) -> EventStream:
    def convert(response) -> list:
        if response.WhichOneof("Type") == "status":
            if response.status != common_pb2.SUCCESS:
                raise DeliverError("", status=common_pb2.Status.Name(response.status))
            return []  # the server closes the stream next
        return [getattr(response, field)]

    # Sending one request and half-closing is fine: the server serves a seek until its stop
    # block before it reads again.
    return EventStream(method(iter([envelope]), timeout=timeout), convert,
                       DeliverError.from_rpc_error)


class BlockSource(Protocol):
    def blocks(self, envelope: common_pb2.Envelope,
               timeout: float | None = None) -> EventStream[common_pb2.Block]: ...


class PeerDeliver:
    """A peer's Deliver service."""

    def __init__(self, channel: grpc.Channel) -> None:
        self._stub = events_pb2_grpc.DeliverStub(channel)

    def blocks(self, envelope: common_pb2.Envelope,
               timeout: float | None = None) -> EventStream[common_pb2.Block]:
        return _stream(self._stub.Deliver, envelope, "block", timeout)

    def filtered_blocks(self, envelope: common_pb2.Envelope,
                        timeout: float | None = None) -> EventStream[events_pb2.FilteredBlock]:
        """Transaction ids, validation codes and chaincode events (without payloads) only."""
        return _stream(self._stub.DeliverFiltered, envelope, "filtered_block", timeout)

    def blocks_with_private_data(
            self, envelope: common_pb2.Envelope,
            timeout: float | None = None) -> EventStream[events_pb2.BlockAndPrivateData]:
        """Blocks plus the private data this peer holds for them (needs the creator to be a
        member of the collections' organisations)."""
        return _stream(self._stub.DeliverWithPrivateData, envelope, "block_and_private_data",
                       timeout)


class OrdererDeliver:
    """An orderer's Deliver service (part of AtomicBroadcast)."""

    def __init__(self, channel: grpc.Channel) -> None:
        self._stub = ab_pb2_grpc.AtomicBroadcastStub(channel)

    def blocks(self, envelope: common_pb2.Envelope,
               timeout: float | None = None) -> EventStream[common_pb2.Block]:
        return _stream(self._stub.Deliver, envelope, "block", timeout)


def fetch_block(source: BlockSource, signing: SigningIdentity, channel: str,
                position: ab_pb2.SeekPosition, tls_cert_hash: bytes = b"",
                timeout: float = 30.0) -> common_pb2.Block:
    """One block: `seek.specified(n)`, `seek.newest()` or `seek.oldest()`."""
    envelope = seek.seek_envelope(signing, channel, position, position, tls_cert_hash)
    with source.blocks(envelope, timeout=timeout) as stream:
        for block in stream:
            return block
    raise DeliverError(f"no block returned for {position}", status="NOT_FOUND")


def last_config_index(block: common_pb2.Block) -> int:
    """The number of the config block in force when `block` was cut (from the orderer's
    signature metadata; LAST_CONFIG is only a fallback for old blocks)."""
    signatures = common_pb2.Metadata.FromString(block.metadata.metadata[common_pb2.SIGNATURES])
    if signatures.value:
        return common_pb2.OrdererBlockMetadata.FromString(signatures.value).last_config.index
    last_config = common_pb2.Metadata.FromString(block.metadata.metadata[common_pb2.LAST_CONFIG])
    return common_pb2.LastConfig.FromString(last_config.value).index


def fetch_config_block(source: BlockSource, signing: SigningIdentity, channel: str,
                       tls_cert_hash: bytes = b"", timeout: float = 30.0) -> common_pb2.Block:
    """The channel's latest config block (what `peer channel fetch config` returns)."""
    newest = fetch_block(source, signing, channel, seek.newest(), tls_cert_hash, timeout)
    index = last_config_index(newest)
    if index == newest.header.number:
        return newest
    return fetch_block(source, signing, channel, seek.specified(index), tls_cert_hash, timeout)
