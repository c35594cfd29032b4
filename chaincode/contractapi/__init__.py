"""Grootboek's contract API: contracts whose @transaction methods are a chaincode's functions.

The layer above the runtime (grootboek.chaincode.shim), as fabric-contract-api-go sits above
fabric-chaincode-go's shim: `Chaincode` routes "Contract:function" calls to contract methods,
converts arguments and results by type hint, publishes metadata, and answers a `ContractError` as
"CODE: message". Contract authors need only this package's top level::

    from grootboek.chaincode.contractapi import Chaincode, Context, Contract, ContractError, transaction

Serve the result with `python -m grootboek.chaincode.shim --chaincode module:attribute ...`;
unit-test it on `grootboek.chaincode.shimtest.MemoryLedger`.
"""
from .chaincode import Chaincode
from .contract import Context, Contract, transaction
from .errors import AccessDenied, ContractError
from .tx import Caller, Tx

__all__ = [
    "AccessDenied",
    "Caller",
    "Chaincode",
    "Context",
    "Contract",
    "ContractError",
    "Tx",
    "transaction",
]
