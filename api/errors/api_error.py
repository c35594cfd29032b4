"""The one error type the gateway answers with, and its JSON body."""
from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict


class Disposition(Enum):
    """What a failed write means for a repeat of the same request (idempotency)."""

    FINAL = "final"
    """Nothing will change on a repeat (a chaincode refusal, an invalid commit): replay it."""
    RETRY = "retry"
    """Nothing reached the ledger and a repeat may succeed (peer unavailable, MVCC conflict)."""
    UNKNOWN = "unknown"
    """The transaction may still commit: a repeat must ask about it, never submit again."""


class FieldError(BaseModel):
    model_config = ConfigDict(frozen=True)

    field: str
    """Dotted path into the request: `body.terms.area_m2`, `query.page_size`, `path.parcel_id`."""
    message: str


class ErrorBody(BaseModel):
    """Every error response."""

    model_config = ConfigDict(frozen=True)

    code: str
    """Stable and machine-readable: a chaincode's code (INSUFFICIENT_BALANCE), a validation code
    (MVCC_READ_CONFLICT) or the gateway's own (VALIDATION_ERROR, UNAUTHENTICATED, ...)."""
    message: str
    transaction_id: str | None = None
    errors: list[FieldError] | None = None


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, *, transaction_id: str | None = None,
                 errors: list[FieldError] | None = None,
                 disposition: Disposition = Disposition.FINAL,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.transaction_id = transaction_id
        self.errors = errors
        self.disposition = disposition
        self.headers = headers or {}

    def body(self) -> ErrorBody:
        return ErrorBody(code=self.code, message=self.message, transaction_id=self.transaction_id,
                         errors=self.errors)
