"""Everything contract unit tests need: an in-memory ledger and test identities.

    from grootboek.chaincode.shim.testing import MemoryLedger, make_identity

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
