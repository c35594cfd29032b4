"""The circumstances of one transaction: who calls, when, and under which transaction id.

Rules receive them as values instead of reading a clock or the network, so every endorsing peer
computes the same result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Caller:
    """The submitting client: its organisation's MSP id and the `role` attribute of its certificate."""

    msp_id: str
    role: str | None


@dataclass(frozen=True)
class Act:
    caller: Caller
    now: datetime  # the transaction timestamp (UTC), the same on every endorser
    tx_id: str  # seeds the ids of records the transaction creates
