"""The transaction a chaincode's rules run in, as plain values: who calls, when, under which id.

Rules receive these instead of reading a clock, randomness or the network, so every endorsing peer
computes the same result. The contract layer builds them from the Context (`Context.tx`); rules'
unit tests build them directly. Nothing here needs the runtime.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Caller:
    """The transaction's creator: MSP id, Fabric id (x509::subject::issuer) and `role` attribute."""

    msp_id: str
    id: str
    role: str | None = None


@dataclass(frozen=True)
class Tx:
    """What a rule may depend on besides the ledger: the tx id, its timestamp and its creator."""

    id: str  # also seeds the ids of records the transaction creates
    now: datetime  # the transaction timestamp (UTC), the same on every endorser
    caller: Caller
