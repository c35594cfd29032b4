"""Where a block or event stream starts and stops, and the signed Deliver request that says so."""
from __future__ import annotations

from typing import Protocol

from fabric_protos.common import common_pb2
from fabric_protos.orderer import ab_pb2

from ..identity.signing_identity import SigningIdentity
from .transaction_context import TransactionContext, channel_header

MAX_BLOCK_NUMBER = 2**64 - 1


class Checkpoint(Protocol):
    """Where a listener got to: the next block to read, and within it the last transaction
    already processed ("" when the block is untouched)."""

    @property
    def block_number(self) -> int: ...

    @property
    def transaction_id(self) -> str: ...


def specified(block_number: int) -> ab_pb2.SeekPosition:
    return ab_pb2.SeekPosition(specified=ab_pb2.SeekSpecified(number=block_number))


def newest() -> ab_pb2.SeekPosition:
    return ab_pb2.SeekPosition(newest=ab_pb2.SeekNewest())


def oldest() -> ab_pb2.SeekPosition:
    return ab_pb2.SeekPosition(oldest=ab_pb2.SeekOldest())


def next_commit() -> ab_pb2.SeekPosition:
    return ab_pb2.SeekPosition(next_commit=ab_pb2.SeekNextCommit())


def start_position(start_block: int | None = None,
                   checkpoint: Checkpoint | None = None) -> tuple[ab_pb2.SeekPosition, str]:
    """(start position, transaction id to resume after). A checkpoint that holds a position wins
    over `start_block`; with neither, listening starts at the next block to commit."""
    if checkpoint is not None and (checkpoint.block_number or checkpoint.transaction_id):
        return specified(checkpoint.block_number), checkpoint.transaction_id
    if start_block is not None:
        return specified(start_block), ""
    return next_commit(), ""


def seek_envelope(signing: SigningIdentity, channel: str, start: ab_pb2.SeekPosition,
                  stop: ab_pb2.SeekPosition | None = None, tls_cert_hash: bytes = b"",
                  behavior: int = ab_pb2.SeekInfo.BLOCK_UNTIL_READY,
                  sign: bool = True) -> common_pb2.Envelope:
    """A Deliver request from `start` to `stop` (default: forever). Unsigned with sign=False,
    for offline signing."""
    context = TransactionContext.new(signing.creator)
    seek_info = ab_pb2.SeekInfo(start=start, stop=stop or specified(MAX_BLOCK_NUMBER),
                                behavior=behavior)
    payload = common_pb2.Payload(
        header=common_pb2.Header(
            channel_header=channel_header(common_pb2.DELIVER_SEEK_INFO, channel,
                                          tls_cert_hash=tls_cert_hash),
            signature_header=context.signature_header(),
        ),
        data=seek_info.SerializeToString(),
    ).SerializeToString()
    return common_pb2.Envelope(payload=payload, signature=signing.sign(payload) if sign else b"")
