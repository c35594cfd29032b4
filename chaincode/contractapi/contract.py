"""Contracts: classes whose @transaction methods are the chaincode's callable functions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, Callable, ClassVar, TypeVar, overload

from grootboek.chaincode.shim.base_stub import BaseStub
from grootboek.chaincode.shim.identity import ClientIdentity

from .errors import AccessDenied
from .tx import Caller, Tx

F = TypeVar("F", bound=Callable[..., Any])
_MARK = "__grootboek_transaction__"
# The certificate attribute (Fabric CA attrs) that carries the caller's role in our consortium.
ROLE_ATTRIBUTE = "role"


@dataclass(frozen=True)
class TransactionOptions:
    evaluate: bool = False  # a query: clients evaluate it rather than submit it
    name: str | None = None  # the name on the wire; defaults to the method name


@overload
def transaction(fn: F) -> F: ...
@overload
def transaction(*, evaluate: bool = False, name: str | None = None) -> Callable[[F], F]: ...
def transaction(fn=None, *, evaluate=False, name=None):
    """Marks a contract method as a transaction: `@transaction` or `@transaction(evaluate=True)`."""

    def mark(method: F) -> F:
        setattr(method, _MARK, TransactionOptions(evaluate, name))
        return method

    return mark(fn) if fn is not None else mark


def transaction_options(method: Any) -> TransactionOptions | None:
    return getattr(method, _MARK, None)


class Context:
    """What a transaction function receives first: the stub and who is calling.

    Subclass it and override `Contract.create_context` to give transactions domain helpers.
    """

    def __init__(self, stub: BaseStub) -> None:
        self.stub = stub

    @cached_property
    def client_identity(self) -> ClientIdentity:
        return ClientIdentity(self.stub.get_creator())

    @property
    def tx_id(self) -> str:
        return self.stub.tx_id

    @property
    def tx_timestamp(self) -> datetime:
        return self.stub.get_tx_timestamp()

    @cached_property
    def tx(self) -> Tx:
        """This transaction as plain values for a chaincode's rules: id, timestamp and caller."""
        identity = self.client_identity
        caller = Caller(identity.msp_id, identity.id, identity.get_attribute_value(ROLE_ATTRIBUTE))
        return Tx(id=self.tx_id, now=self.tx_timestamp, caller=caller)

    def assert_attribute_value(self, name: str, value: str) -> None:
        """Raises AccessDenied ("ACCESS_DENIED: ...") unless the caller's certificate attribute
        `name` has exactly this value (Go's cid.AssertAttributeValue)."""
        actual = self.client_identity.get_attribute_value(name)
        if actual is None:
            raise AccessDenied(f"attribute '{name}' was not found in the client's certificate")
        if actual != value:
            raise AccessDenied(f"attribute '{name}' equals '{actual}', not '{value}'")


class Contract:
    """Base class of contracts. The contract's name is `name` or else the class name."""

    name: ClassVar[str | None] = None
    #: Free text for the metadata's info.title/description.
    description: ClassVar[str | None] = None

    @property
    def contract_name(self) -> str:
        return self.name or type(self).__name__

    def create_context(self, stub: BaseStub) -> Context:
        return Context(stub)

    def before_transaction(self, ctx: Context) -> None:
        """Runs before every transaction of this contract; raise to refuse it."""

    def after_transaction(self, ctx: Context, result: Any) -> None:
        """Runs after every successful transaction of this contract, with its return value."""
