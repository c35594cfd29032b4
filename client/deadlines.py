"""How long each gateway call may take before the client gives up (seconds)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Deadlines:
    """Defaults suit a healthy network; commit status waits for a block to be cut and
    validated, so it gets the longest."""

    evaluate: float = 5.0
    endorse: float = 15.0
    submit: float = 5.0
    commit_status: float = 60.0
