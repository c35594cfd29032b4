"""What every registry contract shares: a context that hands services their storage and `Act`.

Refusals need no translation: a `RegistryError` is a ContractError, which reaches the client as
"CODE: message"."""

from __future__ import annotations

from functools import cached_property

from grootboek.chaincode.contractapi import Context, Contract
from grootboek.chaincode.shim import BaseStub

from ..model.act import Act, Caller
from ..storage.ledger_records import CollectionPersonalData, LedgerRecords

ROLE_ATTRIBUTE = "role"


class RegistryContext(Context):
    @cached_property
    def records(self) -> LedgerRecords:
        return LedgerRecords(self.stub)

    @cached_property
    def personal(self) -> CollectionPersonalData:
        return CollectionPersonalData(self.stub)

    @cached_property
    def act(self) -> Act:
        identity = self.client_identity
        caller = Caller(msp_id=identity.msp_id, role=identity.get_attribute_value(ROLE_ATTRIBUTE))
        return Act(caller=caller, now=self.tx_timestamp, tx_id=self.tx_id)


class RegistryContract(Contract):
    def create_context(self, stub: BaseStub) -> RegistryContext:
        return RegistryContext(stub)
