"""Recording which keys a transaction reads, scans and writes, to reason about MVCC conflicts, and
how many times it goes to the peer for them.

Fabric validates a transaction against the blocks committed after its endorsement: it fails if a
key it read was written since (MVCC_READ_CONFLICT) or a range it scanned changed (PHANTOM_READ_CONFLICT).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from grootboek.chaincode.budgets.contracts.budgets import Budgets, BudgetsContext
from grootboek.chaincode.budgets.storage.ledger import Key, Ledger
from grootboek.chaincode.budgets.storage.records import Records
from grootboek.chaincode.budgets.storage.stub_ledger import StubLedger


@dataclass
class Access:
    reads: set[Key] = field(default_factory=set)
    ranges: set[Key] = field(default_factory=set)
    writes: set[Key] = field(default_factory=set)
    round_trips: int = 0  # requests to the peer that read keys or ranges

    def fails_after(self, earlier: "Access") -> bool:
        """Whether this transaction, endorsed concurrently with `earlier`, fails once `earlier` commits."""
        return bool(self.reads & earlier.writes) or any(
            key[:len(prefix)] == prefix for prefix in self.ranges for key in earlier.writes)


class RecordingLedger:
    def __init__(self, inner: Ledger, access: Access) -> None:
        self._inner, self._access = inner, access

    def get(self, key: Key) -> bytes | None:
        self._access.reads.add(key)
        self._access.round_trips += 1
        return self._inner.get(key)

    def get_many(self, keys: Sequence[Key]) -> list[bytes | None]:
        self._access.reads.update(keys)
        self._access.round_trips += 1
        return self._inner.get_many(keys)

    def put(self, key: Key, value: bytes) -> None:
        self._access.writes.add(key)
        self._inner.put(key, value)

    def delete(self, key: Key) -> None:
        self._access.writes.add(key)
        self._inner.delete(key)

    def scan(self, prefix: Key, limit: int) -> list[bytes]:
        self._access.ranges.add(prefix)
        self._access.round_trips += 1
        return self._inner.scan(prefix, limit)

    def page(self, prefix: Key, page_size: int, bookmark: str) -> tuple[list[bytes], str]:
        self._access.ranges.add(prefix)
        self._access.round_trips += 1
        return self._inner.page(prefix, page_size, bookmark)

    def get_private(self, collection: str, key: Key) -> bytes | None:
        self._access.round_trips += 1
        return self._inner.get_private(collection, key)

    def put_private(self, collection: str, key: Key, value: bytes) -> None:
        self._inner.put_private(collection, key, value)

    def purge_private(self, collection: str, key: Key) -> None:
        self._inner.purge_private(collection, key)

    def emit(self, name: str, payload: bytes) -> None:
        self._inner.emit(name, payload)


class RecordingBudgets(Budgets):
    """The Budgets contract, logging each transaction's Access."""

    name = "Budgets"

    def __init__(self) -> None:
        self.log: list[Access] = []

    def create_context(self, stub: object) -> BudgetsContext:
        ctx = super().create_context(stub)
        access = Access()
        self.log.append(access)
        ctx.records = Records(RecordingLedger(StubLedger(stub), access))
        return ctx
