"""Parties: owners, buyers, lenders and holders, who act through signed statements.

On the shared ledger a party is only a pseudonymous id and a public key. Who the party is (name,
BSN or KvK number, address) is personal data, kept in the registry-only private collection and
purgeable without touching anything public.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, model_validator

from .errors import ErrorCode, RegistryError
from .ids import Identifier


PUBLIC_KEY_EXAMPLE = ("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE4MBkVkEVH0GdrELNURj3xng53jA9\n"
                      "KOSW0vs0xM5TypM7dQUnpkngH2BPjTAMq5BQE5mBNoa3tjsu1Pq8le9LPA==\n-----END PUBLIC KEY-----\n")
"""An ECDSA P-256 public key in PEM, as a party (or a budget holder's phone) sends it: the
examples of the OpenAPI document use it."""


class Party(BaseModel):
    """A party's public record: its pseudonymous id and the key its statements must verify with."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra={"examples": [
        {"id": "pty_3a9f", "public_key": PUBLIC_KEY_EXAMPLE, "registered_at": "2026-01-05T08:30:00Z"}]})

    id: Identifier
    public_key: str
    registered_at: datetime


def _is_valid_bsn(bsn: str) -> bool:
    """The BSN eleven test (elfproef): 9*d1 + 8*d2 + ... + 2*d8 - d9 is a multiple of 11."""
    digits = [int(c) for c in bsn]
    weighted = sum(w * d for w, d in zip(range(9, 1, -1), digits)) - digits[8]
    return weighted % 11 == 0 and any(digits)


class PartyDetails(BaseModel):
    """Personal data of a party: a person (BSN) or an organisation (KvK number), exactly one."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra={"examples": [
        {"name": "A. Jansen", "address": "Kerkstraat 1, 9801 AB Zuidhorn", "bsn": "111222333"},
        {"name": "Hypotheekbank N.V.", "address": "Damrak 1, 1012 LG Amsterdam", "kvk": "12345678"}]})

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    address: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    bsn: Annotated[str, StringConstraints(pattern=r"^[0-9]{9}$")] | None = None
    kvk: Annotated[str, StringConstraints(pattern=r"^[0-9]{8}$")] | None = None

    @model_validator(mode="after")
    def _one_identification(self) -> Self:
        if (self.bsn is None) == (self.kvk is None):
            raise ValueError("give exactly one of bsn (a person) or kvk (an organisation)")
        if self.bsn is not None and not _is_valid_bsn(self.bsn):
            raise ValueError("bsn fails the eleven test")
        return self

    @classmethod
    def from_transient(cls, raw: bytes | None) -> PartyDetails:
        """Parses the transient field `details`; errors name fields but never echo personal data."""
        if raw is None:
            raise RegistryError(ErrorCode.INVALID_ARGUMENT, "transient field 'details' is required")
        try:
            return cls.model_validate_json(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'details'}: {e['msg']}" for e in exc.errors()
            )
            raise RegistryError(ErrorCode.INVALID_ARGUMENT, f"transient 'details': {problems}") from None
