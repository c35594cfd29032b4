"""Following the channel: a thread of the gateway reads its peer's blocks from the read model's
checkpoint on and takes each one (store.py); `rebuild` takes the whole ledger again from block 0.

The blocks are read with an identity of the gateway's own wallet: any member of the organisation
may read its channel's blocks, and the read model answers only to the gateway's users.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from fabric_protos.common import common_pb2, ledger_pb2

from grootboek.client import EventStream, connect

from ..fabric.connections import Connections
from .store import BlockGap, Store

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
"""How long a failed stream (peer down, no identity yet) waits before the next try."""

STOP_WAIT_S = 10.0
"""How long a stopping gateway waits for the block being taken."""

OpenBlocks = Callable[[int], EventStream[common_pb2.Block]]


class NoIdentity(Exception):
    """The gateway's wallet holds no identity to read blocks with (no user added yet)."""


class ChannelBlocks:
    """The channel's blocks and height, read through the gateway's peer connection."""

    def __init__(self, connections: Connections, channel: str) -> None:
        self._connections = connections
        self._channel = channel

    def _network(self):
        labels = self._connections.wallet_labels()
        if not labels:
            raise NoIdentity("the gateway's wallet holds no identity yet to read the channel's blocks with; "
                             "add a user (grootboek api user add)")
        entry = self._connections.wallet_entry(sorted(labels)[0])
        return connect(entry.identity, entry.signer(), channel=self._connections.channel()).network(self._channel)

    def open(self, start_block: int) -> EventStream[common_pb2.Block]:
        return self._network().block_events(start_block=start_block)

    def height(self) -> int:
        info = self._network().contract("qscc").evaluate("GetChainInfo", [self._channel])
        return ledger_pb2.BlockchainInfo.FromString(info).height


class Ingest:
    """Takes blocks as they commit, from the checkpoint on, until `stop()`."""

    def __init__(self, store: Store, open_blocks: OpenBlocks, retry_seconds: float = RETRY_SECONDS) -> None:
        self.store = store
        self._open_blocks = open_blocks
        self._retry_seconds = retry_seconds
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._stream: EventStream[common_pb2.Block] | None = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="readmodel-ingest")

    def start(self) -> Ingest:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        with self._lock:
            if self._stream is not None:
                self._stream.close()
        self._thread.join(STOP_WAIT_S)
        if self._thread.is_alive():  # a database that stopped answering mid-block: the process ends anyway
            logger.warning("read model stream still busy at stop", extra={"waited_s": STOP_WAIT_S})

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                self._follow()
            except BlockGap as gap:  # a rebuild started over: follow from its checkpoint
                logger.info("read model restarts its block stream", extra={"reason": str(gap)})
            except NoIdentity as missing:  # a new gateway, before its first user: not a fault
                logger.info("read model waits for an identity", extra={"reason": str(missing)})
                self._stopped.wait(self._retry_seconds)
            except Exception as error:  # the peer is down or restarting, or no user is there yet
                logger.warning("read model stream failed", extra={"error": repr(error)})
                self._stopped.wait(self._retry_seconds)
        self.store.close()

    def _follow(self) -> None:
        stream = self._open_blocks(self.store.next_block())
        with self._lock:
            if self._stopped.is_set():
                stream.close()
                return
            self._stream = stream
        try:
            for block in stream:
                self.store.apply(block)
        finally:
            stream.close()


def rebuild(store: Store, open_blocks: OpenBlocks, height: int) -> int:
    """Empties the store and takes every block below `height` again; the number of blocks. A
    gateway following the channel meanwhile starts over from the emptied checkpoint too, and
    what both take is counted once."""
    store.reset()
    if height == 0:
        return 0
    stream = open_blocks(0)
    try:
        for block in stream:
            store.apply(block)
            if store.next_block() >= height:
                break
    finally:
        stream.close()
    return height
