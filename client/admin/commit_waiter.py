"""Waiting for transactions to commit on one particular peer, from its filtered block stream
(the gateway-less counterpart of commit status, e.g. after broadcasting a lifecycle transaction).
"""
from __future__ import annotations

from fabric_protos.peer import events_pb2

from ..commit import Status
from ..errors import DeliverError
from ..identity.signing_identity import SigningIdentity
from ..protocol import seek
from ..protocol.deliver import PeerDeliver


class CommitWaiter:
    """Open it before broadcasting: unless `start_block` is given, it positions itself on the
    peer's newest block before returning, so no later commit can be missed. Close it when done.
    `timeout` bounds the whole life of the underlying stream."""

    def __init__(self, deliver: PeerDeliver, signing: SigningIdentity, channel: str,
                 start_block: int | None = None, tls_cert_hash: bytes = b"",
                 timeout: float = 120.0) -> None:
        position = seek.newest() if start_block is None else seek.specified(start_block)
        envelope = seek.seek_envelope(signing, channel, position, tls_cert_hash=tls_cert_hash)
        self._stream = deliver.filtered_blocks(envelope, timeout)
        self._statuses: dict[str, Status] = {}
        if start_block is None:
            self._record(self._next_block())

    def wait(self, transaction_id: str) -> Status:
        """The transaction's validation outcome once a block containing it arrives."""
        while transaction_id not in self._statuses:
            self._record(self._next_block())
        return self._statuses[transaction_id]

    def _next_block(self) -> events_pb2.FilteredBlock:
        try:
            return next(self._stream)
        except StopIteration:
            raise DeliverError("block stream ended before the transaction committed") from None

    def _record(self, block: events_pb2.FilteredBlock) -> None:
        for tx in block.filtered_transactions:
            self._statuses.setdefault(tx.txid, Status(tx.txid, tx.tx_validation_code, block.number))

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> CommitWaiter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
