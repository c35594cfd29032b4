"""The budgets chaincode (Kindpakket / Stadjerspas): schemes, merchants, budgets, payments by
holder-signed codes, refunds, settlement and expiry. See README.md for the model and the codes.

`chaincode` (the object the network serves, grootboek.chaincode.budgets:chaincode) is built on
first use, so apps that only need the domain (error codes, holder codes) do not build the contract.
"""
from typing import Any


def __getattr__(name: str) -> Any:
    if name == "chaincode":
        from .contracts import chaincode

        return chaincode
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
