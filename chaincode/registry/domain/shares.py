"""Ownership shares as exact fractions (breuken), written "numerator/denominator" and never floats.

Exactly one spelling is accepted for each share ("1/2", not "2/4", "0.5" or "1"), so the text a
party signs is the text the ledger stores.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer, PlainValidator, WithJsonSchema

from .errors import ErrorCode, RegistryError
from .ids import Identifier

_FRACTION = re.compile(r"([1-9][0-9]{0,17})/([1-9][0-9]{0,17})")


def format_fraction(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def parse_share(value: object) -> Fraction:
    """A share of a parcel: 0 < share <= 1, from its canonical text (or a Fraction, internally)."""
    if isinstance(value, Fraction):
        fraction = value
    elif isinstance(value, str) and (match := _FRACTION.fullmatch(value)):
        fraction = Fraction(int(match[1]), int(match[2]))
        if fraction.denominator != int(match[2]):
            raise ValueError(f"share {value!r} is not in lowest terms; write {format_fraction(fraction)!r}")
    else:
        raise ValueError("a share is a string 'numerator/denominator' in lowest terms, e.g. '1/2'")
    if not 0 < fraction <= 1:
        raise ValueError(f"a share must be more than 0 and at most 1, got {format_fraction(fraction)}")
    return fraction


ShareFraction = Annotated[
    Fraction,
    PlainValidator(parse_share, json_schema_input_type=str),
    PlainSerializer(format_fraction, return_type=str),
    WithJsonSchema({"type": "string", "pattern": "^[1-9][0-9]*/[1-9][0-9]*$", "examples": ["1/2"]}),
]


class Share(BaseModel):
    """A party's fraction of a parcel's ownership."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    party: Identifier
    share: ShareFraction


def total(shares: Iterable[Share]) -> Fraction:
    return sum((s.share for s in shares), Fraction(0))


def require_whole(shares: Iterable[Share]) -> tuple[Share, ...]:
    """The shares of one parcel's owners, sorted by party: distinct parties summing to exactly 1."""
    ordered = tuple(sorted(shares, key=lambda s: s.party))
    if not ordered:
        raise RegistryError(ErrorCode.INVALID_ARGUMENT, "a parcel needs at least one owner")
    parties = [s.party for s in ordered]
    if len(set(parties)) != len(parties):
        raise RegistryError(ErrorCode.INVALID_ARGUMENT, "each owner may be listed only once")
    if (whole := total(ordered)) != 1:
        raise RegistryError(
            ErrorCode.SHARES_DO_NOT_SUM, f"owners' shares sum to {format_fraction(whole)}, not 1"
        )
    return ordered
