"""Running independent administrative calls side by side."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

T = TypeVar("T")


def parallel(tasks: list[Callable[[], T]], workers: int = 8) -> list[T]:
    """Runs the tasks concurrently and returns their results in order; the first failure raises
    (after every task has finished, so nothing is left running behind the caller's back)."""
    if not tasks:
        return []
    with ThreadPoolExecutor(max_workers=min(workers, len(tasks))) as pool:
        futures = [pool.submit(task) for task in tasks]
    return [f.result() for f in futures]
