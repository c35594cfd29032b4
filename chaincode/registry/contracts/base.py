"""What every registry contract shares: a context that hands services their storage and `Act`,
and transaction decorators that pass registry refusals on as "CODE: message"."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property, wraps
from typing import Any, TypeVar, get_type_hints

from grootboek.chaincode.contractapi import Context, Contract, ContractError, transaction
from grootboek.chaincode.shim import BaseStub

from ..errors import RegistryError
from ..model.act import Act, Caller
from ..storage.ledger_records import CollectionPersonalData, LedgerRecords

F = TypeVar("F", bound=Callable[..., Any])

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


def _refusals_as_contract_errors(method: F) -> F:
    @wraps(method)
    def translated(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except RegistryError as exc:
            raise ContractError(exc.code.value, exc.message) from None

    # Resolved now, in the contract module's namespace: the wrapper lives in this module, so
    # whoever reads its (otherwise string) annotations later could not resolve them.
    translated.__annotations__ = get_type_hints(method)
    return translated  # type: ignore[return-value]


def submit(method: F) -> F:
    """A transaction that changes the register."""
    return transaction(_refusals_as_contract_errors(method))


def evaluate(method: F) -> F:
    """A query; clients evaluate it on one peer."""
    return transaction(evaluate=True)(_refusals_as_contract_errors(method))
