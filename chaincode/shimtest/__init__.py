"""Test doubles for the shim, as Hyperledger keeps `shimtest` apart from the runtime: an in-memory
ledger and test identities for contract unit tests, and a fake peer (`shimtest.fakepeer`, imported
on its own: it needs grpcio) for tests and measurements of the chaincode server.

    from grootboek.chaincode.shimtest import MemoryLedger, make_identity

    ledger = MemoryLedger()
    officer = make_identity("GroningenMSP", "officer", attributes={"role": "officer"})
    result = ledger.invoke(chaincode, "Budgets:pay", "b1", 10, identity=officer)
    assert result.ok, result.message
"""
from .identities import TestIdentity, make_identity
from .memory import DEFAULT_NAMESPACE, MemoryLedger, MemoryStub, TxResult

__all__ = [
    "DEFAULT_NAMESPACE",
    "MemoryLedger",
    "MemoryStub",
    "TestIdentity",
    "TxResult",
    "make_identity",
]
