"""Response bodies written by the event loop: a server-sent event stream may stay open for hours,
and must not hold one of the app's threads for it."""
from __future__ import annotations

import asyncio
from typing import AsyncIterator, Callable, Generator, Iterator


class AsyncBody:
    """A WSGI body the front iterates on its loop instead of in the app's thread.

    Return it with `direct_passthrough=True` so Flask hands it over untouched. Any other WSGI server
    (and Flask's test client) iterates it synchronously on a private loop, so the route works there
    too, only at the cost of a thread.
    """

    def __init__(self, chunks: Callable[[], AsyncIterator[bytes]]) -> None:
        self._chunks = chunks
        self._synchronous: Generator[bytes, None, None] | None = None

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks()

    def __iter__(self) -> Iterator[bytes]:
        self._synchronous = self._iterate()
        return self._synchronous

    def close(self) -> None:
        """WSGI's close(): ends a synchronous iteration (the front closes its own)."""
        if self._synchronous is not None:
            self._synchronous.close()

    def _iterate(self) -> Generator[bytes, None, None]:
        loop = asyncio.new_event_loop()
        chunks = self._chunks()
        try:
            while True:
                try:
                    yield loop.run_until_complete(chunks.__anext__())
                except StopAsyncIteration:
                    return
        finally:
            loop.run_until_complete(chunks.aclose())  # type: ignore[attr-defined]
            loop.close()
