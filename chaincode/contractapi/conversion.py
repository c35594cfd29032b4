"""Turning string arguments into typed parameters, and return values into payload bytes.

Arguments arrive as bytes (UTF-8 text). Conversion follows the type hint:
  str as is; int and float as decimal text; bool as "true"/"false"; bytes as base64 (the text
  form every client, including JSON ones, can send; the metadata says `format: byte`); enums by
  value; `X | None` maps "" to None; dict, list, pydantic models, dataclasses and other
  structured types as JSON; anything else pydantic can parse from a string (datetime, Decimal,
  UUID) as that string.
Return values: str as UTF-8, bytes as is, None as empty, anything else as JSON (pydantic models
as `model_dump(mode="json")` would give).
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
import math
import re
import types
import typing
from enum import Enum
from typing import Any, Callable

import pydantic
import pydantic_core

Converter = Callable[[str], Any]
_INTEGER = re.compile(r"[+-]?\d+")


class ConversionError(ValueError):
    """A value does not fit its parameter's type; the message says what was expected."""


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "...")


def _to_int(text: str) -> int:
    if not _INTEGER.fullmatch(text):
        raise ConversionError(f"expected an integer, got {_shown(text)}")
    return int(text)


def _to_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ConversionError(f"expected a number, got {_shown(text)}")
    return value


def _to_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered not in ("true", "false"):
        raise ConversionError(f"expected true or false, got {_shown(text)}")
    return lowered == "true"


def _to_bytes(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ConversionError(f"expected base64 bytes, got {_shown(text)}") from None


_SCALARS: dict[Any, Converter] = {
    str: lambda text: text,
    int: _to_int,
    float: _to_float,
    bool: _to_bool,
    bytes: _to_bytes,
}


def optional_inner(hint: Any) -> Any | None:
    """X for `X | None` / Optional[X]; None for any other hint."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        members = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if len(members) == 1 and len(typing.get_args(hint)) == 2:
            return members[0]
    return None


def is_structured(hint: Any) -> bool:
    """Whether values of this type travel as JSON."""
    origin = typing.get_origin(hint) or hint
    return (
        origin in (dict, list, tuple, set, frozenset)
        or (isinstance(origin, type) and issubclass(origin, pydantic.BaseModel))
        or dataclasses.is_dataclass(origin)
        or typing.is_typeddict(origin)
    )


def converter_for(hint: Any) -> Converter:
    """Builds the converter for one parameter, once, when the contract is registered."""
    if hint is Any or hint is typing.Any:
        return _SCALARS[str]
    if hint in _SCALARS:
        return _SCALARS[hint]
    inner = optional_inner(hint)
    if inner is not None:
        convert_inner = converter_for(inner)
        return lambda text: None if text == "" else convert_inner(text)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _enum_converter(hint)
    adapter = pydantic.TypeAdapter(hint)
    if is_structured(hint):
        return lambda text: _pydantic(adapter.validate_json, text, "JSON")
    return lambda text: _pydantic(adapter.validate_strings, text, "value")


def _enum_converter(enum: type[Enum]) -> Converter:
    by_text = {str(member.value): member for member in enum}

    def convert(text: str) -> Enum:
        try:
            return by_text[text]
        except KeyError:
            allowed = ", ".join(by_text)
            raise ConversionError(f"expected one of {allowed}, got {_shown(text)}") from None

    return convert


def _pydantic(validate: Callable[[Any], Any], text: str, what: str) -> Any:
    try:
        return validate(text)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        detail = f"{where}: {first['msg']}" if where else first["msg"]
        raise ConversionError(f"invalid {what}: {detail}") from None


def to_payload(result: Any) -> bytes:
    """Serialises a transaction's return value."""
    if result is None:
        return b""
    if isinstance(result, bytes):
        return result
    if isinstance(result, str):
        return result.encode()
    return pydantic_core.to_json(result)


def to_argument(value: Any) -> bytes:
    """The client-side inverse of the parameter conversion: one argument's bytes on the wire."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, Enum):
        return str(value.value).encode()
    if isinstance(value, (int, float)):
        return str(value).encode()
    if value is None:
        return b""
    return pydantic_core.to_json(value)
