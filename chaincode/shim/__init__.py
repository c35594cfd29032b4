"""Grootboek's Python chaincode runtime: a chaincode-as-a-service shim for Hyperledger Fabric 3.1.

Contract authors need only this package's top level::

    from grootboek.chaincode.shim import Chaincode, Context, Contract, ContractError, transaction

Run a chaincode with `python -m grootboek.chaincode.shim --chaincode module:attribute ...`, or
`serve(...)` from Python. Unit-test contracts on `grootboek.chaincode.shim.testing.MemoryLedger`.
"""
from .base_stub import BaseStub
from .chaincode import Chaincode
from .contract import Context, Contract, transaction
from .endorsement import KeyEndorsementPolicy, Role
from .errors import AccessDenied, ContractError, PeerError, ShimError
from .identity import ClientIdentity
from .interface import ChaincodeInterface
from .iterators import KV, KeyModification, QueryIterator, QueryMetadata
from .response import Event, Response
from .server import ChaincodeServer, TlsConfig, serve
from .stub import ChaincodeStub

__all__ = [
    "AccessDenied",
    "BaseStub",
    "Chaincode",
    "ChaincodeInterface",
    "ChaincodeServer",
    "ChaincodeStub",
    "ClientIdentity",
    "Context",
    "Contract",
    "ContractError",
    "Event",
    "KV",
    "KeyEndorsementPolicy",
    "KeyModification",
    "PeerError",
    "QueryIterator",
    "QueryMetadata",
    "Response",
    "Role",
    "ShimError",
    "TlsConfig",
    "serve",
    "transaction",
]
