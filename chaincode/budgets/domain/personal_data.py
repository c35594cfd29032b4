"""Personal data of a beneficiary, kept only in the municipality's private collection.

It arrives in the transient map (never in arguments, which every peer stores in blocks), is written
by a transaction that writes nothing public, and can be purged without touching the budget.
"""
from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field

from .fields import Record

COLLECTION = "personal"
TRANSIENT_KEY = "personal"


def _elfproef(bsn: str) -> str:
    """The BSN's check digit rule (elfproef): weights 9..2 and -1 sum to a multiple of 11."""
    digits = [int(c) for c in bsn]
    total = sum(d * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1)))
    if total % 11:
        raise ValueError("not a valid BSN (elfproef)")
    return bsn


class PersonalData(Record):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"name": "J. de Vries", "bsn": "111222333", "address": "Grote Markt 1, 9711 LV Groningen"}]})

    name: Annotated[str, Field(min_length=1, max_length=200)]
    bsn: Annotated[str, Field(pattern=r"^[0-9]{9}$"), AfterValidator(_elfproef)]  # burgerservicenummer
    address: Annotated[str, Field(min_length=1, max_length=500)]
