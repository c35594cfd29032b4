"""The conformance chaincode: one transaction per stub feature, to test the shim on real peers.

Served as `grootboek.chaincode.conformance:chaincode`. Contracts by area: State (the default),
Queries, Private (collection "private"), Tx (transaction context, identity, events, endorsement
policies, chaincode-to-chaincode calls). `State:read` is the cheap read benchmarks use.
"""
from grootboek.chaincode.contractapi import Chaincode

from .private import Private
from .queries import Queries
from .state import State
from .tx import Tx

chaincode = Chaincode(State(), Queries(), Private(), Tx(), title="conformance")

__all__ = ["chaincode"]
