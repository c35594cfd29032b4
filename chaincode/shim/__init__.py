"""Grootboek's Python chaincode runtime: a chaincode-as-a-service shim for Hyperledger Fabric 3.1.

The server, its HTTP/2 transport, the peer stream, and the stub API a transaction uses; what it
runs is any `ChaincodeInterface`. Contracts are written on grootboek.chaincode.contractapi, which
builds on this package; test doubles live in grootboek.chaincode.shimtest.

Run a chaincode with `python -m grootboek.chaincode.shim --chaincode module:attribute ...`, or
`serve(...)` from Python.
"""
from .base_stub import BaseStub
from .endorsement import KeyEndorsementPolicy, Role
from .errors import PeerError, ShimError
from .identity import ClientIdentity
from .interface import ChaincodeInterface
from .iterators import KV, KeyModification, QueryIterator, QueryMetadata
from .response import Event, Response
from .server import ChaincodeServer, TlsConfig, serve
from .stub import ChaincodeStub

__all__ = [
    "BaseStub",
    "ChaincodeInterface",
    "ChaincodeServer",
    "ChaincodeStub",
    "ClientIdentity",
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
]
