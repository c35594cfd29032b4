"""Statements a budget holder signs with the budget's key: payment codes and query tokens.

Wire format (both kinds): base64url without padding (RFC 4648 §5) of the UTF-8 canonical JSON
(sorted keys, no whitespace) of an envelope

    {"signature": "<base64 DER ECDSA-P256-SHA256 over canonical_json(statement)>",
     "statement": {...}}

A payment code's statement:
    {"purpose": "budgets.pay.v1", "budget": "<budget id>", "nonce": "<16-64 chars [A-Za-z0-9_-]>",
     "expires": <unix seconds>, "max_amount": <int, optional>, "merchant": "<merchant id, optional>"}
It authorises one payment from that budget until `expires` (at most 24 hours ahead): at most
`max_amount`, and only to `merchant` when present. The chaincode records the nonce, so a code is
used once. A query token's statement:
    {"purpose": "budgets.query.v1", "budget": "<budget id>", "expires": <unix seconds>}
lets whoever holds it read that budget's balance and history until it expires.

Apps and tests create codes with `payment_code` / `query_token`; the chaincode reads them with
`read_payment_code` / `read_query_token`, which depend only on their arguments (deterministic). A
payment reads its code in two steps (`SealedCode`): what the code claims first, parsed once (the
nonce names a key to read together with the payment's other keys), then the checks, in their turn.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from datetime import datetime, timedelta
from typing import Annotated, Generic, Literal, TypeVar

from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import Field

from grootboek.chaincode.signing import SignatureError, canonical_json, sign, verify

from .errors import BudgetError, ErrorCode
from .fields import Amount, Identifier, Record, parse, require

PAY_PURPOSE = "budgets.pay.v1"
QUERY_PURPOSE = "budgets.query.v1"
MAX_VALIDITY = timedelta(hours=24)
MAX_LENGTH = 4096
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+$")

Nonce = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{16,64}$")]
UnixSeconds = Annotated[int, Field(strict=True, ge=0)]


class PaymentAuthorisation(Record):
    purpose: Literal["budgets.pay.v1"] = PAY_PURPOSE
    budget: Identifier
    nonce: Nonce
    expires: UnixSeconds
    max_amount: Amount | None = None
    merchant: Identifier | None = None


class QueryAuthorisation(Record):
    purpose: Literal["budgets.query.v1"] = QUERY_PURPOSE
    budget: Identifier
    expires: UnixSeconds


Statement = TypeVar("Statement", PaymentAuthorisation, QueryAuthorisation)


def payment_code(private_key: ec.EllipticCurvePrivateKey, budget_id: str, expires: datetime,
                 max_amount: int | None = None, merchant_id: str | None = None,
                 nonce: str | None = None) -> str:
    """What the holder's app shows as a QR code. `expires` is a timezone-aware datetime (the
    statement carries it as Unix seconds). A fresh random nonce unless one is given."""
    statement = PaymentAuthorisation(budget=budget_id, nonce=nonce or secrets.token_urlsafe(16),
                                     expires=_unix_seconds(expires), max_amount=max_amount,
                                     merchant=merchant_id)
    return _seal(private_key, statement)


def query_token(private_key: ec.EllipticCurvePrivateKey, budget_id: str, expires: datetime) -> str:
    """Lets whoever holds it read the budget until `expires`, a timezone-aware datetime (the
    statement carries it as Unix seconds)."""
    return _seal(private_key, QueryAuthorisation(budget=budget_id, expires=_unix_seconds(expires)))


def _unix_seconds(expires: datetime) -> int:
    if not isinstance(expires, datetime) or expires.tzinfo is None:
        raise TypeError(f"expires must be a timezone-aware datetime, such as datetime.now(timezone.utc) "
                        f"+ timedelta(minutes=5); got {expires!r}")
    return int(expires.timestamp())


def read_payment_code(code: str, budget_id: str, holder_key: str, now: datetime) -> PaymentAuthorisation:
    """The verified authorisation, or CODE_INVALID / CODE_EXPIRED. Replay is the caller's check."""
    return SealedCode(code, PaymentAuthorisation).open(budget_id, holder_key, now)


def read_query_token(token: str, budget_id: str, holder_key: str, now: datetime) -> QueryAuthorisation:
    return SealedCode(token, QueryAuthorisation).open(budget_id, holder_key, now)


def _seal(private_key: ec.EllipticCurvePrivateKey, statement: Record) -> str:
    body = statement.model_dump(exclude_none=True)
    envelope = {"statement": body, "signature": sign(private_key, body)}
    return base64.urlsafe_b64encode(canonical_json(envelope)).rstrip(b"=").decode()


class SealedCode(Generic[Statement]):
    """A payment code or query token as read from its text: what it claims, nothing checked yet.

    Reading never refuses; `open` does, so a malformed code is still refused in its turn among an
    operation's checks."""

    def __init__(self, text: str, kind: type[Statement]) -> None:
        self._what = "payment code" if kind is PaymentAuthorisation else "query token"
        envelope = _envelope(text)
        self._body, self._signature = envelope if isinstance(envelope, tuple) else ({}, "")
        self._problem = f"{self._what} is malformed: {envelope}"
        self.claimed: Statement | None = None
        if isinstance(envelope, tuple):
            try:
                self.claimed = parse(kind, self._body)
            except BudgetError as exc:
                self._problem = f"{self._what} is malformed: {exc.message}"

    def open(self, budget_id: str, holder_key: str, now: datetime) -> Statement:
        """The statement, once it is for this budget, signed by its key and valid at `now`."""
        what, statement = self._what, self.verified(budget_id, holder_key)
        seconds = now.timestamp()
        require(seconds < statement.expires, ErrorCode.CODE_EXPIRED, f"{what} has expired")
        hours = (statement.expires - seconds) / 3600
        require(hours <= MAX_VALIDITY.total_seconds() / 3600, ErrorCode.CODE_INVALID,
                f"{what} expires in {hours:.1f} hours; it may be valid for at most "
                f"{MAX_VALIDITY.total_seconds() / 3600:.0f} hours: make one that expires sooner")
        return statement

    def verified(self, budget_id: str, holder_key: str) -> Statement:
        """The statement, once it is for this budget and signed by its key, whenever it expires."""
        what, statement = self._what, self.claimed
        if statement is None:
            raise BudgetError(ErrorCode.CODE_INVALID, self._problem)
        require(statement.budget == budget_id, ErrorCode.CODE_INVALID, f"{what} is for another budget")
        try:
            verify(holder_key, self._body, self._signature)
        except SignatureError:
            raise BudgetError(ErrorCode.CODE_INVALID, f"{what} is not signed by the budget's key") from None
        return statement


def _envelope(text: str) -> tuple[dict, str] | str:
    """The statement and signature of a well-formed envelope, or what is wrong with it."""
    if not isinstance(text, str) or not text:
        return "it is empty"
    if len(text) > MAX_LENGTH:
        return f"it is longer than {MAX_LENGTH} characters"
    if not _BASE64URL.match(text):
        if _BASE64URL.match(text.rstrip("=")):
            return "it ends in '=' padding; send it as base64url without padding (strip the '=')"
        return "it is not base64url (A-Z a-z 0-9 - _ only, no padding)"
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        envelope = json.loads(raw)
    except (binascii.Error, ValueError):
        return "its base64url does not decode to JSON"
    if not (isinstance(envelope, dict) and set(envelope) == {"statement", "signature"}
            and isinstance(envelope["statement"], dict) and isinstance(envelope["signature"], str)):
        return 'its JSON is not an envelope {"signature": "...", "statement": {...}}'
    return envelope["statement"], envelope["signature"]
