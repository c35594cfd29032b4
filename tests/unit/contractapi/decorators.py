"""A decorator in a module of its own, which knows none of the types of the methods it wraps."""
from __future__ import annotations

import functools
from typing import Any, Callable


def counted(method: Callable[..., Any]) -> Callable[..., Any]:
    """Counts calls of `method` on the function itself, as a decorator with a wrapper does."""

    @functools.wraps(method)
    def call(*args: Any) -> Any:
        call.calls += 1
        return method(*args)

    call.calls = 0
    return call
