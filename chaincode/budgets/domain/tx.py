"""The transaction a rule runs in."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .caller import Caller


@dataclass(frozen=True)
class Tx:
    """What a rule may depend on besides the ledger: the tx id, its timestamp and its creator.

    Never the wall clock or randomness: every endorser must compute identical results.
    """

    id: str
    now: datetime
    caller: Caller
