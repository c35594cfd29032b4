"""The part of the ledger the budgets records need: composite-key state, private data, an event.

Fabric semantics apply to every implementation: reads see the state before the transaction (never
its own writes); `scan` may be used in transactions that write (Fabric re-checks the range at
commit: a concurrent insert fails the transaction with a phantom read conflict); `page` only in
queries (the peer refuses paginated reads in a transaction that writes).
"""
from __future__ import annotations

from typing import Protocol, Sequence

from ..domain.errors import ErrorCode
from ..domain.fields import require

# (object type, attribute, ...): one composite key. Parts must not contain U+0000 or U+10FFFF.
Key = tuple[str, ...]


def is_valid(key: Key) -> bool:
    """Whether every part of `key` is free of the two characters composite keys reserve."""
    return not any("\x00" in part or "\U0010ffff" in part for part in key)


def require_valid(key: Key) -> None:
    # Ids come from callers; the two characters composite keys reserve make them not ours.
    require(is_valid(key), ErrorCode.INVALID_ARGUMENT, "ids must not contain U+0000 or U+10FFFF")


class Ledger(Protocol):
    def get(self, key: Key) -> bytes | None: ...

    def get_many(self, keys: Sequence[Key]) -> list[bytes | None]:
        """The values of `keys` in order (None: absent), read in one round trip to the peer."""
        ...

    def put(self, key: Key, value: bytes) -> None: ...

    def delete(self, key: Key) -> None: ...

    def scan(self, prefix: Key, limit: int) -> list[bytes]:
        """Values of the keys extending `prefix`, in key order, at most `limit` of them."""
        ...

    def page(self, prefix: Key, page_size: int, bookmark: str) -> tuple[list[bytes], str]:
        """One page of `scan` and the bookmark of the next page ("" after the last)."""
        ...

    def get_private(self, collection: str, key: Key) -> bytes | None: ...

    def put_private(self, collection: str, key: Key, value: bytes) -> None: ...

    def purge_private(self, collection: str, key: Key) -> None: ...

    def emit(self, name: str, payload: bytes) -> None:
        """Sets the transaction's chaincode event (Fabric keeps one per transaction)."""
        ...
