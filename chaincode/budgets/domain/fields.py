"""Field types shared by the budgets records, and parsing that refuses with INVALID_ARGUMENT.

Amounts are integers in the scheme's unit (EUR cents, or entitlements such as swimming entries):
never floats. Identifiers are restricted to characters that are safe inside composite keys, URLs
and log lines. Timestamps are timezone-aware and normalised to UTC so every endorser serialises the
same bytes.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from .errors import BudgetError, ErrorCode

# Above 2**53 JSON numbers lose precision in JavaScript clients; 10**12 cents is ten billion euros.
MAX_AMOUNT = 10**12

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
Category = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,31}$")]
Amount = Annotated[int, Field(strict=True, gt=0, le=MAX_AMOUNT)]
Quantity = Annotated[int, Field(strict=True, ge=0)]


def _utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


Timestamp = Annotated[AwareDatetime, AfterValidator(_utc)]

RecordT = TypeVar("RecordT", bound=BaseModel)


class Record(BaseModel):
    """Immutable, closed records: state changes produce new records (`model_copy(update=...)`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def build(cls: type[RecordT], **fields: object) -> RecordT:
        """Rules build records from caller input (ids, references): a violation is the caller's
        INVALID_ARGUMENT, never an internal error."""
        return parse(cls, fields)


def parse(model: type[RecordT], data: object) -> RecordT:
    """Validates caller input; a violation is an INVALID_ARGUMENT naming the field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc']) or model.__name__}: {err['msg']}"
                             for err in exc.errors())
        raise BudgetError(ErrorCode.INVALID_ARGUMENT, problems) from None


def require_amount(amount: object) -> None:
    """Amounts passed as plain arguments get the same bounds as `Amount` fields."""
    valid = type(amount) is int and 0 < amount <= MAX_AMOUNT
    require(valid, ErrorCode.INVALID_ARGUMENT, f"amount: must be an integer from 1 to {MAX_AMOUNT}")


def require(condition: bool, code: ErrorCode, message: str) -> None:
    """Refuses with `code` unless `condition` holds (keeps rule methods one line per rule)."""
    if not condition:
        raise BudgetError(code, message)
