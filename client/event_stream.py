"""Closeable iterators over server-streamed events (chaincode events, blocks)."""
from __future__ import annotations

import threading
from collections import deque
from typing import Callable, Generic, Iterable, Iterator, TypeVar

import grpc

T = TypeVar("T")
R = TypeVar("R")


class EventStream(Generic[T]):
    """Iterates events as they arrive; blocks while waiting. `close()` (also from another
    thread, or by leaving a `with` block) cancels the stream and ends the iteration cleanly.
    A failure of the stream raises the error `on_error` makes of it."""

    def __init__(self, call: Iterator[R], convert: Callable[[R], Iterable[T]],
                 on_error: Callable[[grpc.RpcError], Exception]) -> None:
        self._call = call
        self._convert = convert
        self._on_error = on_error
        self._pending: deque[T] = deque()
        self._closed = threading.Event()

    def __iter__(self) -> EventStream[T]:
        return self

    def __next__(self) -> T:
        while not self._pending:
            if self._closed.is_set():
                raise StopIteration
            try:
                response = next(self._call)
            except StopIteration:
                self.close()
                raise
            except grpc.RpcError as error:
                if self._closed.is_set():  # our own cancel() surfaces as CANCELLED
                    raise StopIteration from None
                self.close()
                raise self._on_error(error) from None
            try:
                self._pending.extend(self._convert(response))
            except Exception:
                self.close()
                raise
        if self._closed.is_set():
            raise StopIteration
        return self._pending.popleft()

    def close(self) -> None:
        if not self._closed.is_set():
            self._closed.set()
            self._call.cancel()  # type: ignore[attr-defined]

    def __enter__(self) -> EventStream[T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
