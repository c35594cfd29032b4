"""The contract API: routing, parameter conversion and its messages, return values, hooks."""
from __future__ import annotations

import base64
import dataclasses
import json
from datetime import datetime
from enum import Enum, StrEnum
from typing import Annotated, Optional

import pydantic
import pytest

from grootboek.chaincode.contractapi import (
    Chaincode,
    Context,
    Contract,
    ContractError,
    transaction,
)
from grootboek.chaincode.shimtest import MemoryLedger, make_identity

from .decorators import counted


class PaymentCode(str, Enum):
    FOOD = "food"
    SPORT = "sport"


class Payment(pydantic.BaseModel):
    budget_id: str
    amount: int
    code: PaymentCode


@dataclasses.dataclass
class Period:
    start: str
    end: str


class Budgets(Contract):
    def __init__(self) -> None:
        self.calls: list[str] = []

    def before_transaction(self, ctx: Context) -> None:
        self.calls.append(f"before {ctx.stub.get_function_and_parameters()[0]}")

    def after_transaction(self, ctx: Context, result) -> None:
        self.calls.append(f"after {result!r}")

    @transaction
    def pay(self, ctx: Context, budget_id: str, amount: int, code: PaymentCode) -> Payment:
        balance = int(ctx.stub.get_state(budget_id) or b"0")
        if amount > balance:
            raise ContractError("INSUFFICIENT_BALANCE", f"balance {balance} is below {amount}")
        ctx.stub.put_state(budget_id, str(balance - amount))
        return Payment(budget_id=budget_id, amount=amount, code=code)

    @transaction(evaluate=True)
    def balance(self, ctx: Context, budget_id: str) -> int:
        return int(ctx.stub.get_state(budget_id) or b"0")

    @transaction(evaluate=True)
    def echo(
        self, ctx: Context, ratio: float, flag: bool, blob: bytes, tags: list[str],
        period: Period, note: Optional[str], when: datetime, limit: int = 10,
    ) -> dict:
        return {"ratio": ratio, "flag": flag, "blob": blob.hex(), "tags": tags, "period": period,
                "note": note, "when": when, "limit": limit}

    @transaction(name="Raw")
    def raw(self, ctx: Context) -> bytes:
        return b"\x00\xff"

    @transaction
    def nothing(self, ctx: Context) -> None:
        return None

    @transaction
    def text(self, ctx: Context) -> str:
        return "héllo"

    def helper(self, ctx: Context) -> str:
        return "not callable"


class Audit(Contract):
    name = "audit"

    @transaction(evaluate=True)
    def count(self, ctx: Context) -> int:
        return 7

    @transaction
    def fail(self, ctx: Context) -> None:
        raise KeyError("missing")


@pytest.fixture
def budgets() -> Budgets:
    return Budgets()


@pytest.fixture
def ledger() -> MemoryLedger:
    ledger = MemoryLedger()
    ledger.put_state("b1", "100")
    return ledger


@pytest.fixture
def chaincode(budgets) -> Chaincode:
    return Chaincode(budgets, Audit())


def test_routes_qualified_names_and_bare_names_of_the_default_contract(ledger, chaincode):
    assert ledger.invoke(chaincode, "Budgets:balance", "b1").payload == b"100"
    assert ledger.invoke(chaincode, "balance", "b1").payload == b"100"
    assert ledger.invoke(chaincode, "audit:count").payload == b"7"
    assert ledger.invoke(chaincode, "count").message == "UNKNOWN_TRANSACTION: no transaction 'count' in contract 'Budgets'"
    assert ledger.invoke(chaincode, "Nope:count").message == "UNKNOWN_TRANSACTION: no contract named 'Nope'"
    assert ledger.invoke(chaincode, "helper").message.startswith("UNKNOWN_TRANSACTION:")
    assert ledger.invoke(chaincode, "Raw").payload == b"\x00\xff"


def test_converts_parameters_by_type_hint(ledger, chaincode):
    result = ledger.invoke(
        chaincode, "echo", "0.25", "TRUE", base64.b64encode(b"\x01\x02").decode(), '["a","b"]',
        '{"start":"2026-01-01","end":"2026-12-31"}', "", "2026-03-01T12:00:00Z",
    )
    assert result.ok, result.message
    assert result.json() == {
        "ratio": 0.25, "flag": True, "blob": "0102", "tags": ["a", "b"],
        "period": {"start": "2026-01-01", "end": "2026-12-31"}, "note": None,
        "when": "2026-03-01T12:00:00Z", "limit": 10,
    }
    assert ledger.invoke(chaincode, "echo", "1", "false", "", "[]", '{"start":"a","end":"b"}', "n",
                         "2026-03-01T12:00:00Z", "3").json()["limit"] == 3


@pytest.mark.parametrize(
    "args, message",
    [
        (("b1", "abc", "food"), "parameter 'amount': expected an integer, got 'abc'"),
        (("b1", "1.5", "food"), "parameter 'amount': expected an integer, got '1.5'"),
        (("b1", "5", "fish"), "parameter 'code': expected one of food, sport, got 'fish'"),
        (("b1", "5"), "Budgets:pay takes 3 arguments (budget_id, amount, code), got 2"),
        (("b1", "5", "food", "x"), "Budgets:pay takes 3 arguments (budget_id, amount, code), got 4"),
        ((b"\xff", "5", "food"), "parameter 'budget_id': not valid UTF-8 text"),
    ],
)
def test_invalid_arguments_name_the_parameter(ledger, chaincode, args, message):
    result = ledger.invoke(chaincode, "pay", *args)
    assert (result.status, result.message) == (500, f"INVALID_ARGUMENT: {message}")
    assert ledger.get_state("b1") == b"100"


@pytest.mark.parametrize(
    "index, value, message",
    [
        (0, "nan", "parameter 'ratio': expected a number, got 'nan'"),
        (1, "yes", "parameter 'flag': expected true or false, got 'yes'"),
        (2, "***", "parameter 'blob': expected base64 bytes, got '***'"),
        (3, "[1, 2", "parameter 'tags': invalid JSON: "),
        (4, '{"start": "a"}', "parameter 'period': invalid JSON: end: Field required"),
        (6, "tomorrow", "parameter 'when': invalid value: "),
    ],
)
def test_structured_and_scalar_validation_messages(ledger, chaincode, index, value, message):
    args = ["1", "true", "", "[]", '{"start":"a","end":"b"}', "", "2026-03-01T12:00:00Z"]
    args[index] = value
    result = ledger.invoke(chaincode, "echo", *args)
    assert result.message.startswith(f"INVALID_ARGUMENT: {message}")


def test_return_values_are_serialised_by_type(ledger, chaincode):
    assert ledger.invoke(chaincode, "pay", "b1", "30", "food").json() == {
        "budget_id": "b1", "amount": 30, "code": "food"
    }
    assert ledger.invoke(chaincode, "nothing").payload == b""
    assert ledger.invoke(chaincode, "text").payload == "héllo".encode()


def test_contract_errors_reach_the_client_as_code_and_message(ledger, chaincode):
    result = ledger.invoke(chaincode, "pay", "b1", "500", "sport")
    assert (result.status, result.message) == (500, "INSUFFICIENT_BALANCE: balance 100 is below 500")
    assert ledger.get_state("b1") == b"100"


def test_unexpected_exceptions_are_internal_and_logged(ledger, chaincode, caplog):
    result = ledger.invoke(chaincode, "audit:fail")
    assert result.message == "INTERNAL: KeyError: 'missing'"
    assert any(record.exc_info for record in caplog.records)


def test_hooks_run_around_successful_transactions_only(ledger, chaincode, budgets):
    ledger.invoke(chaincode, "balance", "b1")
    ledger.invoke(chaincode, "pay", "b1", "1000", "food")
    assert budgets.calls == ["before balance", "after 100", "before pay"]


def test_a_hook_can_refuse_a_transaction(ledger):
    class Closed(Contract):
        def before_transaction(self, ctx: Context) -> None:
            raise ContractError("CLOSED", "the office is closed")

        @transaction
        def put(self, ctx: Context) -> None:
            ctx.stub.put_state("k", "v")

    result = ledger.invoke(Chaincode(Closed()), "put")
    assert result.message == "CLOSED: the office is closed" and ledger.get_state("k") is None


def test_a_custom_context(ledger):
    class BudgetContext(Context):
        def budget(self, budget_id: str) -> int:
            return int(self.stub.get_state(budget_id) or b"0")

    class WithContext(Contract):
        def create_context(self, stub) -> BudgetContext:
            return BudgetContext(stub)

        @transaction(evaluate=True)
        def look(self, ctx: BudgetContext, budget_id: str) -> int:
            return ctx.budget(budget_id)

    assert ledger.invoke(Chaincode(WithContext()), "look", "b1").json() == 100


def test_a_refusal_raised_as_a_subclass_of_contract_error_keeps_its_wire_format(ledger):
    class Code(StrEnum):  # as budgets' and registry's ErrorCode
        CLOSED = "CLOSED"

    class OfficeError(ContractError):
        pass

    class Office(Contract):
        @transaction
        def put(self, ctx: Context) -> None:
            ctx.stub.put_state("k", "v")
            raise OfficeError(Code.CLOSED, "the office is closed")

    result = ledger.invoke(Chaincode(Office()), "put")
    assert (result.status, result.message) == (500, "CLOSED: the office is closed")
    assert ledger.get_state("k") is None


def test_wrapped_methods_resolve_their_hints_where_they_were_written(ledger):
    class Wrapped(Contract):
        @transaction
        @counted
        def pay(self, ctx: Context, budget_id: str, amount: int, code: PaymentCode) -> Payment:
            return Payment(budget_id=budget_id, amount=amount, code=code)

    chaincode = Chaincode(Wrapped())
    assert ledger.invoke(chaincode, "pay", "b1", "5", "food").json() == {
        "budget_id": "b1", "amount": 5, "code": "food"
    }
    assert ledger.invoke(chaincode, "pay", "b1", "x", "food").message == (
        "INVALID_ARGUMENT: parameter 'amount': expected an integer, got 'x'"
    )
    assert Wrapped.pay.calls == 1


def test_asserting_an_attribute_of_the_caller(ledger):
    class Desk(Contract):
        @transaction(evaluate=True)
        def enter(self, ctx: Context, name: str, value: str) -> str:
            ctx.assert_attribute_value(name, value)
            return "in"

    desk = Chaincode(Desk())
    clerk = make_identity("Org1MSP", "clerk", attributes={"role": "clerk"})
    assert ledger.invoke(desk, "enter", "role", "clerk", identity=clerk).text == "in"
    assert ledger.invoke(desk, "enter", "role", "officer", identity=clerk).message == (
        "ACCESS_DENIED: attribute 'role' equals 'clerk', not 'officer'"
    )
    assert ledger.invoke(desk, "enter", "level", "3", identity=clerk).message == (
        "ACCESS_DENIED: attribute 'level' was not found in the client's certificate"
    )


def test_contract_names_must_be_unique():
    with pytest.raises(ValueError, match="two contracts"):
        Chaincode(Audit(), Audit())


def test_metadata_follows_fabrics_contract_schema(ledger, chaincode):
    metadata = json.loads(ledger.invoke(chaincode, "org.hyperledger.fabric:GetMetadata").payload)
    assert metadata["$schema"].endswith("contract-schema.json")
    assert metadata["info"] == {"title": "Budgets", "version": "latest"}
    assert set(metadata["contracts"]) == {"Budgets", "audit", "org.hyperledger.fabric"}
    budgets = metadata["contracts"]["Budgets"]
    assert budgets["default"] is True and metadata["contracts"]["audit"]["default"] is False
    pay = next(t for t in budgets["transactions"] if t["name"] == "pay")
    assert pay["tag"] == ["submit"]
    assert pay["parameters"] == [
        {"name": "budget_id", "schema": {"type": "string"}, "required": True},
        {"name": "amount", "schema": {"type": "integer", "format": "int64"}, "required": True},
        {"name": "code", "schema": {"type": "string", "enum": ["food", "sport"]}, "required": True},
    ]
    assert pay["returns"] == {"$ref": "#/components/schemas/Payment"}
    balance = next(t for t in budgets["transactions"] if t["name"] == "balance")
    assert balance["tag"] == ["evaluate"]
    schemas = metadata["components"]["schemas"]
    assert schemas["Payment"]["$id"] == "Payment"
    assert set(schemas["Payment"]["properties"]) == {"budget_id", "amount", "code"}
    assert schemas["Payment"]["properties"]["code"] == {"$ref": "#/components/schemas/PaymentCode"}
    echo = next(t for t in budgets["transactions"] if t["name"] == "echo")
    by_name = {p["name"]: p for p in echo["parameters"]}
    assert by_name["blob"]["schema"] == {"type": "string", "format": "byte"}
    assert by_name["period"]["schema"] == {"$ref": "#/components/schemas/Period"}
    assert by_name["limit"]["required"] is False
    assert "helper" not in {t["name"] for t in budgets["transactions"]}
    assert "returns" not in next(t for t in budgets["transactions"] if t["name"] == "nothing")


Label = Annotated[str, pydantic.StringConstraints(pattern=r"^[a-z]{1,8}$")]


class Labels(Contract):
    @transaction(evaluate=True)
    def count(self, ctx: Context, labels: list[Label], first: Label) -> int:
        return len(labels) + len(first)


def test_an_annotated_parameters_constraints_are_checked_and_published(ledger):
    labels = Chaincode(Labels())
    assert ledger.invoke(labels, "count", '["a", "bc"]', "xyz").payload == b"5"
    refused = ledger.invoke(labels, "count", '["a", "B\\u0000"]', "xyz")
    assert refused.message.startswith("INVALID_ARGUMENT: parameter 'labels': invalid JSON: 1: String should match")
    assert ledger.invoke(labels, "count", "[]", "toolongtext").message.startswith(
        "INVALID_ARGUMENT: parameter 'first': invalid value: String should match")
    function = next(f for f in labels.metadata["contracts"]["Labels"]["transactions"] if f["name"] == "count")
    assert function["parameters"][0]["schema"]["items"]["pattern"] == "^[a-z]{1,8}$"
