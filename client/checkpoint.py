"""Checkpointers: remember how far an event listener got, so a restart neither misses nor repeats.

The position is Fabric's (same as the Go client): the block to resume from plus, within that
block, the last transaction already processed. After a whole block, the position moves to the
next block with no transaction id.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Protocol

from .atomic_file import write_atomically


class _ChaincodeEvent(Protocol):
    block_number: int
    transaction_id: str


class InMemoryCheckpointer:
    """A checkpoint for one process lifetime (e.g. to reconnect after a dropped stream)."""

    def __init__(self, block_number: int = 0, transaction_id: str = "") -> None:
        self._block_number = block_number
        self._transaction_id = transaction_id

    @property
    def block_number(self) -> int:
        return self._block_number

    @property
    def transaction_id(self) -> str:
        return self._transaction_id

    def checkpoint_block(self, block_number: int) -> None:
        """Block `block_number` is fully processed."""
        self.checkpoint_transaction(block_number + 1, "")

    def checkpoint_transaction(self, block_number: int, transaction_id: str) -> None:
        """Transaction `transaction_id` in block `block_number` is processed."""
        self._block_number = block_number
        self._transaction_id = transaction_id

    def checkpoint_chaincode_event(self, event: _ChaincodeEvent) -> None:
        self.checkpoint_transaction(event.block_number, event.transaction_id)


class FileCheckpointer(InMemoryCheckpointer):
    """Persists every checkpoint to a JSON file ({"blockNumber", "transactionId"}, the Go
    client's format) with an atomic replace, so a crash leaves the previous or the new position."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.exists() and self.path.stat().st_size:
            state = json.loads(self.path.read_text())
            super().__init__(int(state["blockNumber"]), str(state.get("transactionId", "")))
        else:
            super().__init__()

    def checkpoint_transaction(self, block_number: int, transaction_id: str) -> None:
        state = {"blockNumber": block_number, "transactionId": transaction_id}
        write_atomically(self.path, json.dumps(state).encode())
        super().checkpoint_transaction(block_number, transaction_id)
