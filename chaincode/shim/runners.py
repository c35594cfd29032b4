"""Greenlets that run one transaction after another, so a transaction does not pay for a new one.

A new greenlet gets a frame stack of its own on CPython 3.11+: 16 KiB mapped, page-faulted and
unmapped again per greenlet (the unmapping also flushes the other cores' TLBs). Kept greenlets
keep their stack.
"""
from __future__ import annotations

from typing import Callable, TypeVar

import greenlet

T = TypeVar("T")


class Runners:
    """Runs calls in greenlets whose parent is the greenlet that first asked (the event loop's),
    keeping up to `keep` idle ones for the next calls."""

    def __init__(self, keep: int = 128) -> None:
        self._keep = keep
        self._idle: list[greenlet.greenlet] = []

    def start(self, function: Callable[[T], None], argument: T) -> None:
        """Runs `function(argument)` until it first switches back to the caller, or returns."""
        runner = self._idle.pop() if self._idle else greenlet.greenlet(self._serve)
        runner.switch(function, argument)

    def _serve(self, function: Callable[[T], None], argument: T) -> None:
        current = greenlet.getcurrent()
        while True:
            function(argument)
            if len(self._idle) >= self._keep:
                return
            self._idle.append(current)
            function, argument = current.parent.switch()
