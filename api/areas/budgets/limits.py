"""Attempt limits the ledger cannot keep: queries and refusals are not recorded, so the gateway
counts what a client may try (activation codes per client, checks per payment code)."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable


class AttemptLimiter:
    """At most `limit` attempts per key within `window_seconds` of its first attempt.

    Keeps at most `max_keys` keys (the oldest are forgotten first), so a flood of fresh keys costs
    bounded memory; a forgotten key starts afresh, which only a flood of other keys can cause."""

    def __init__(self, limit: int, window_seconds: float, max_keys: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self._max_keys = max_keys
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: OrderedDict[str, tuple[float, int]] = OrderedDict()  # key: (window start, attempts)

    def take(self, key: str) -> bool:
        """Counts an attempt; False when `key` has used up its attempts in this window."""
        now = self._clock()
        with self._lock:
            started, used = self._counts.get(key, (now, 0))
            if now - started >= self.window_seconds:
                started, used = now, 0
            if used >= self.limit:
                return False
            self._counts[key] = (started, used + 1)
            self._counts.move_to_end(key)
            while len(self._counts) > self._max_keys:
                self._counts.popitem(last=False)
            return True

    def retry_after(self, key: str) -> int:
        """Whole seconds until `key`'s window ends."""
        with self._lock:
            started, _ = self._counts.get(key, (self._clock(), 0))
        return max(1, int(started + self.window_seconds - self._clock()) + 1)
