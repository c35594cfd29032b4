"""Request inputs into models; every violation is reported with the field it concerns."""
from __future__ import annotations

import re
from typing import Any, Mapping, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import ApiError, FieldError

M = TypeVar("M", bound=BaseModel)

PATH_PARAMETER_PATTERN = r"^[A-Za-z0-9._:-]{1,128}$"
"""Ids in paths: what both chaincodes accept as identifiers (and transaction ids)."""
_PATH_PARAMETER = re.compile(PATH_PARAMETER_PATTERN)
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
_IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)


def path_parameters(values: Mapping[str, str]) -> dict[str, str]:
    problems = [FieldError(field=f"path.{name}", message="must be 1-128 characters of A-Z a-z 0-9 . _ : -")
                for name, value in values.items() if not _PATH_PARAMETER.fullmatch(value)]
    if problems:
        raise invalid(problems)
    return dict(values)


def query(model: type[M], args: Mapping[str, Any]) -> M:
    try:
        return model.model_validate(dict(args))
    except ValidationError as exc:
        raise invalid(_field_errors(exc, "query")) from None


def body(model: type[M], raw: bytes, content_type: str, expected: str) -> M:
    """`content_type` is the request's (without parameters); `expected`, the one the route takes."""
    if not raw.strip():
        raise ApiError(400, "MALFORMED_REQUEST", "a JSON request body is required")
    if content_type != expected:
        sent = f"Content-Type {content_type}" if content_type else "no Content-Type"
        raise ApiError(415, "UNSUPPORTED_MEDIA_TYPE", f"the body was sent with {sent}; send it as {expected}")
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        if any(error["type"] == "json_invalid" for error in exc.errors()):
            raise ApiError(400, "MALFORMED_REQUEST", "the request body is not valid JSON") from None
        raise invalid(_field_errors(exc, "body")) from None


def idempotency_key(value: str | None) -> str | None:
    if value is not None and not _IDEMPOTENCY_KEY.fullmatch(value):
        raise invalid([FieldError(field="header.Idempotency-Key",
                                  message="must be 1-255 printable ASCII characters without spaces")])
    return value


def invalid(problems: list[FieldError]) -> ApiError:
    message = "; ".join(f"{p.field}: {p.message}" for p in problems)
    return ApiError(422, "VALIDATION_ERROR", message, errors=problems)


_INTEGER_ERRORS = frozenset({"int_type", "int_from_float", "int_parsing"})


def _field_errors(exc: ValidationError, where: str) -> list[FieldError]:
    return [FieldError(field=".".join([where, *map(str, error["loc"])]), message=_message(error, where))
            for error in exc.errors(include_url=False, include_input=False)]


def _message(error: Any, where: str) -> str:
    """Pydantic's message, but saying which numbers a body takes: JSON integers only, everywhere."""
    if where == "body" and error["type"] in _INTEGER_ERRORS:
        return 'must be a JSON integer, such as 500 (not 500.0, 5e2 or "500")'
    return error["msg"]
