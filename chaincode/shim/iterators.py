"""Query results: the records they yield and the iterator contract shared by every stub."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Iterator, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class KV:
    """One state entry from a range, partial composite key or rich query."""

    key: str
    value: bytes


@dataclass(frozen=True, slots=True)
class KeyModification:
    """One historic write of a key (newest first in `get_history_for_key`)."""

    tx_id: str
    value: bytes
    timestamp: datetime
    is_delete: bool


@dataclass(frozen=True, slots=True)
class QueryMetadata:
    """What a paginated query reports: records in this page and where the next page starts."""

    fetched_records_count: int
    bookmark: str


class QueryIterator(Iterator[T], Generic[T]):
    """Iterates query results; use as a context manager to release early-abandoned queries.

    Exhausting the iterator releases it too. `close()` is idempotent.
    """

    def __enter__(self) -> "QueryIterator[T]":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Releases the query; further iteration yields nothing."""


class ListIterator(QueryIterator[T]):
    """A fully materialised result (the in-memory ledger's queries)."""

    def __init__(self, items: list[T]) -> None:
        self._items = iter(items)

    def __next__(self) -> T:
        return next(self._items)

    def close(self) -> None:
        self._items = iter(())
