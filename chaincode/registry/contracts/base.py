"""What every registry contract shares: a context that hands services their storage (the
transaction, `ctx.tx`, comes with every Context).

Refusals need no translation: a `RegistryError` is a ContractError, which reaches the client as
"CODE: message".
"""

from __future__ import annotations

from functools import cached_property

from grootboek.chaincode.contractapi import Context, Contract
from grootboek.chaincode.shim import BaseStub

from ..storage.ledger_records import CollectionPersonalData, LedgerRecords


class RegistryContext(Context):
    @cached_property
    def records(self) -> LedgerRecords:
        return LedgerRecords(self.stub)

    @cached_property
    def personal(self) -> CollectionPersonalData:
        return CollectionPersonalData(self.stub)


class RegistryContract(Contract):
    def create_context(self, stub: BaseStub) -> RegistryContext:
        return RegistryContext(stub)
