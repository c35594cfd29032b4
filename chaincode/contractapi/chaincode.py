"""`Chaincode`: routes "Contract:function" calls to contract methods, converting and validating."""
from __future__ import annotations

import inspect
import json
import logging
import types
import typing
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Sequence

from grootboek.chaincode.shim.base_stub import BaseStub
from grootboek.chaincode.shim.response import Response, error, success

from .contract import Contract, transaction_options
from .conversion import ConversionError, Converter, converter_for, to_payload
from .errors import ContractError
from .metadata import SYSTEM_CONTRACT, build_metadata

log = logging.getLogger(__name__)

GET_METADATA = f"{SYSTEM_CONTRACT}:GetMetadata"


@dataclass(frozen=True)
class Parameter:
    name: str
    hint: Any
    convert: Converter
    required: bool


@dataclass(frozen=True)
class TransactionSpec:
    """One callable transaction, analysed once when the chaincode is built."""

    contract: Contract
    name: str
    method: Callable[..., Any]
    evaluate: bool
    parameters: tuple[Parameter, ...]
    returns: Any

    @cached_property
    def full_name(self) -> str:
        return f"{self.contract.contract_name}:{self.name}"

    @cached_property
    def _required(self) -> int:
        return sum(p.required for p in self.parameters)

    def convert(self, args: Sequence[bytes]) -> list[Any]:
        if not self._required <= len(args) <= len(self.parameters):
            raise ContractError("INVALID_ARGUMENT", self._count_message(len(args)))
        values = []
        for parameter, raw in zip(self.parameters, args):
            try:
                values.append(parameter.convert(raw.decode()))
            except UnicodeDecodeError:
                raise _invalid(parameter, "not valid UTF-8 text") from None
            except ConversionError as exc:
                raise _invalid(parameter, str(exc)) from None
        return values

    def _count_message(self, given: int) -> str:
        required, total = self._required, len(self.parameters)
        expected = f"{required} to {total}" if required != total else str(total)
        names = ", ".join(p.name for p in self.parameters) or "none"
        return f"{self.full_name} takes {expected} arguments ({names}), got {given}"


def _invalid(parameter: Parameter, detail: str) -> ContractError:
    return ContractError("INVALID_ARGUMENT", f"parameter '{parameter.name}': {detail}")


def _analyse(contract: Contract, attribute: str, method: Callable[..., Any]) -> TransactionSpec:
    options = transaction_options(method)
    assert options is not None
    signature = inspect.signature(method)
    context, *own = signature.parameters.values()
    hints = _hints(method, skip=context.name)
    parameters = []
    for p in own:
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            raise TypeError(f"{type(contract).__name__}.{attribute}: only plain parameters allowed")
        hint = hints.get(p.name, str)
        parameters.append(Parameter(p.name, hint, converter_for(hint), p.default is p.empty))
    return TransactionSpec(
        contract,
        options.name or attribute,
        method,
        options.evaluate,
        tuple(parameters),
        hints.get("return", inspect.Signature.empty),
    )


def _hints(method: Callable[..., Any], skip: str) -> dict[str, Any]:
    """Resolved type hints, leaving out the Context parameter's: only its value matters, and
    its class may be local to a function where it cannot be resolved by name.

    Names resolve where the method was written: a decorator's wrapper (functools.wraps) lives in
    the decorator's module, which need not know them.
    """
    written = inspect.unwrap(method)
    annotations = {k: v for k, v in written.__annotations__.items() if k != skip}
    holder = types.SimpleNamespace(__annotations__=annotations, __globals__=written.__globals__)
    return typing.get_type_hints(holder, include_extras=True)  # Annotated constraints are checked too


class Chaincode:
    """The chaincode the runtime serves: one or more contracts, the first being the default.

    Function names on the wire are "Contract:function", or "function" for the default contract.
    Only @transaction methods can be called. Every outcome is a Response: contract errors give
    status 500 and "CODE: message"; unexpected exceptions "INTERNAL: Type: message" (logged).
    """

    def __init__(self, *contracts: Contract, title: str | None = None) -> None:
        if not contracts:
            raise ValueError("a chaincode needs at least one contract")
        self._contracts = contracts
        self._title = title or contracts[0].contract_name
        self._specs: dict[str, list[TransactionSpec]] = {}
        self._routes: dict[str, TransactionSpec] = {}
        for contract in contracts:
            if contract.contract_name in self._specs:
                raise ValueError(f"two contracts are named {contract.contract_name!r}")
            specs = [
                _analyse(contract, attribute, getattr(contract, attribute))
                for attribute in sorted(dir(type(contract)))
                if transaction_options(getattr(type(contract), attribute, None)) is not None
            ]
            self._specs[contract.contract_name] = specs
            for spec in specs:
                self._routes[spec.full_name] = spec
        for spec in self._specs[contracts[0].contract_name]:
            self._routes[spec.name] = spec

    @cached_property
    def metadata(self) -> dict[str, Any]:
        return build_metadata(
            self._title, [(c, self._specs[c.contract_name]) for c in self._contracts]
        )

    @cached_property
    def _metadata_bytes(self) -> bytes:
        return json.dumps(self.metadata, separators=(",", ":")).encode()

    def init(self, stub: BaseStub) -> Response:
        return self.invoke(stub)

    def invoke(self, stub: BaseStub) -> Response:
        args = stub.get_args()
        function = args[0].decode(errors="replace") if args else ""
        if function == GET_METADATA:
            return success(self._metadata_bytes)
        spec = self._routes.get(function)
        if spec is None:
            return error(f"UNKNOWN_TRANSACTION: {self._unknown(function)}")
        contract = spec.contract
        try:
            values = spec.convert(args[1:])
            ctx = contract.create_context(stub)
            contract.before_transaction(ctx)
            result = spec.method(ctx, *values)
            contract.after_transaction(ctx, result)
            return success(to_payload(result))
        except ContractError as exc:
            return error(str(exc))
        except Exception as exc:
            log.exception(
                "transaction raised", extra={"function": spec.full_name, "txid": stub.tx_id}
            )
            return error(f"INTERNAL: {type(exc).__name__}: {exc}")

    def _unknown(self, function: str) -> str:
        if not function:
            return "no function name given"
        contract, _, name = function.rpartition(":")
        if contract and contract not in self._specs:
            return f"no contract named '{contract}'"
        return f"no transaction '{name}' in contract '{contract or self._contracts[0].contract_name}'"
