"""Progress lines for long operations (bring-up, builds, lifecycle), separate from the logs.

Operators see what is happening and how long it took; tests and libraries pass `Progress.quiet()`.
"""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Iterator, TextIO


class Progress:
    def __init__(self, stream: TextIO | None = sys.stderr):
        self._stream = stream
        self._tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())
        self._last_update = 0.0
        self._depth = 0

    @classmethod
    def quiet(cls) -> "Progress":
        return cls(None)

    def _write(self, text: str) -> None:
        if self._stream is not None:
            self._stream.write(text)
            self._stream.flush()

    def info(self, message: str) -> None:
        self._write(f"{'  ' * self._depth}{message}\n")

    @contextmanager
    def step(self, what: str) -> Iterator[None]:
        """Announces a step, then reports its outcome and duration."""
        indent = "  " * self._depth
        self._write(f"{indent}▸ {what}\n")
        started = time.monotonic()
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            self._clear_update()
            self._write(f"{indent}✗ {what} failed after {time.monotonic() - started:.1f} s\n")
            raise
        self._depth -= 1
        self._clear_update()
        self._write(f"{indent}✓ {what} ({time.monotonic() - started:.1f} s)\n")

    def update(self, message: str) -> None:
        """A transient status inside a step: rewritten in place on a terminal, rate-limited otherwise."""
        now = time.monotonic()
        if self._tty:
            self._write(f"\r\033[K{'  ' * self._depth}{message}")
            self._last_update = now
        elif now - self._last_update >= 5.0:
            self._write(f"{'  ' * self._depth}{message}\n")
            self._last_update = now

    def _clear_update(self) -> None:
        if self._tty and self._last_update:
            self._write("\r\033[K")
        self._last_update = 0.0
