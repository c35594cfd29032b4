"""Contract metadata in Fabric's contract JSON schema, as fabric-contract-api-go/node publish it.

Returned by the system transaction `org.hyperledger.fabric:GetMetadata`, so Fabric tooling and our
REST gateway can discover transactions, their parameters and return types.
"""
from __future__ import annotations

import dataclasses
import inspect
from enum import Enum
from typing import TYPE_CHECKING, Any

import pydantic

from .conversion import optional_inner

if TYPE_CHECKING:
    from .chaincode import TransactionSpec
    from .contract import Contract

SCHEMA_URL = "https://hyperledger.github.io/fabric-chaincode-node/main/api/contract-schema.json"
SYSTEM_CONTRACT = "org.hyperledger.fabric"
_REF = "#/components/schemas/{model}"
_SCALARS: dict[Any, dict[str, str]] = {
    str: {"type": "string"},
    int: {"type": "integer", "format": "int64"},
    float: {"type": "number", "format": "double"},
    bool: {"type": "boolean"},
    bytes: {"type": "string", "format": "byte"},
}


class _Schemas:
    """JSON schemas of type hints; named object types are collected as components."""

    def __init__(self) -> None:
        self.components: dict[str, dict[str, Any]] = {}

    def of(self, hint: Any) -> dict[str, Any]:
        if hint is inspect.Parameter.empty or hint is Any:
            return {"type": "string"}
        if hint in _SCALARS:
            return dict(_SCALARS[hint])
        inner = optional_inner(hint)
        if inner is not None:
            return self.of(inner)
        if isinstance(hint, type) and issubclass(hint, Enum):
            values = [member.value for member in hint]
            kind = "integer" if all(isinstance(v, int) for v in values) else "string"
            return {"type": kind, "enum": values}
        schema = pydantic.TypeAdapter(hint).json_schema(ref_template=_REF)
        for name, definition in schema.pop("$defs", {}).items():
            self._add(name, definition)
        if _is_named_object(hint):
            self._add(hint.__name__, schema)
            return {"$ref": _REF.format(model=hint.__name__)}
        return schema

    def _add(self, name: str, schema: dict[str, Any]) -> None:
        self.components[name] = {"$id": name, "properties": {}, **schema}


def _is_named_object(hint: Any) -> bool:
    return isinstance(hint, type) and (
        issubclass(hint, pydantic.BaseModel) or dataclasses.is_dataclass(hint)
    )


def build_metadata(
    title: str, contracts: list[tuple["Contract", list["TransactionSpec"]]]
) -> dict[str, Any]:
    schemas = _Schemas()
    described: dict[str, Any] = {}
    for index, (contract, specs) in enumerate(contracts):
        transactions = []
        for spec in specs:
            entry: dict[str, Any] = {
                "name": spec.name,
                "tag": ["evaluate" if spec.evaluate else "submit"],
                "parameters": [
                    {"name": p.name, "schema": schemas.of(p.hint), "required": p.required}
                    for p in spec.parameters
                ],
            }
            if spec.returns not in (None, type(None), inspect.Signature.empty):
                entry["returns"] = schemas.of(spec.returns)
            transactions.append(entry)
        info = {"title": contract.contract_name, "version": "latest"}
        if contract.description:
            info["description"] = contract.description
        described[contract.contract_name] = {
            "name": contract.contract_name,
            "info": info,
            "default": index == 0,
            "transactions": transactions,
        }
    described[SYSTEM_CONTRACT] = {
        "name": SYSTEM_CONTRACT,
        "info": {"title": SYSTEM_CONTRACT, "version": "latest"},
        "default": False,
        "transactions": [
            {"name": "GetMetadata", "tag": ["evaluate"], "parameters": [], "returns": {"type": "string"}}
        ],
    }
    return {
        "$schema": SCHEMA_URL,
        "info": {"title": title, "version": "latest"},
        "contracts": described,
        "components": {"schemas": schemas.components},
    }
