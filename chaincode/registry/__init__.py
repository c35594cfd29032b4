"""Kadaster-style land registry chaincode: who owns which parcel, with a history nobody can rewrite.

Layers, as in the budgets chaincode: `domain` (records and values with their invariants, and the
error codes), `services` (the registry's rules, run against storage ports, given the transaction),
`storage` (the ports over a chaincode stub) and `contracts` (translation to and from the chaincode
API). The peer loads `grootboek.chaincode.registry:chaincode`; it is built on first access so that
apps that only need the domain (the REST gateway) do not build the contracts.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "chaincode":
        from .contracts import chaincode

        return chaincode
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
