"""Kadaster-style land registry chaincode: who owns which parcel, with a history nobody can rewrite.

Layers: `model` (records and values with their invariants), `services` (the registry's rules, run
against storage ports, given the caller and the transaction timestamp), `storage` (the ports over a
chaincode stub) and `contracts` (translation to and from the chaincode API). The peer loads
`grootboek.chaincode.registry:chaincode`; it is built on first access so that apps that only need
the model (the REST gateway) do not build the contracts.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "chaincode":
        from .contracts import chaincode

        return chaincode
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
