"""Activation: how a resident's phone becomes a budget's holder without a Fabric identity.

The municipality issues the budget with a one-time activation secret printed on a letter (a QR code
and a short typed form). The phone makes its own P-256 key and sends its public key with the
secret; the chaincode binds the key once. Every member reads the ledger, so what it stores must not
reveal the secret: only a digest, salted with the budget id, of a secret of 100 random bits (20
Crockford base-32 characters), which no one can search offline. Online guessing is bounded by
`MAX_FAILED_ATTEMPTS` per activation (then only the municipality can re-issue) and by the
gateway's limit per client; an activation expires after at most `MAX_VALIDITY`.

The secret reaches the chaincode in the transient map (`TRANSIENT_KEY`), so it is in no block
either. The municipality's client makes the secret and its digest (`activation_secret`,
`activation_digest`); the chaincode only compares digests.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Annotated

from pydantic import ConfigDict, Field

from .fields import Identifier, Quantity, Record, Timestamp

TRANSIENT_KEY = "activation_secret"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U to misread
SECRET_LENGTH = 20  # 20 × 5 bits = 100 bits
MAX_FAILED_ATTEMPTS = 5
MAX_VALIDITY = timedelta(days=90)
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})

Digest = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class ActivationTerms(Record):
    """What the officer's client sends: the secret's digest, never the secret."""

    digest: Digest
    expires_at: Timestamp


class Activation(Record):
    """A pending activation on a budget."""

    digest: Digest
    expires_at: Timestamp
    failed_attempts: Quantity = 0

    def accepts(self, budget_id: str, secret: str) -> bool:
        return hmac.compare_digest(self.digest, activation_digest(budget_id, secret))


class ActivationResult(Record):
    """An activation attempt's answer. A wrong secret is an answer, not a refusal: the attempt
    must be committed to count."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"budget_id": "b-voorbeeld-2", "activated": True, "attempts_left": 5}]})

    budget_id: Identifier
    activated: bool
    attempts_left: Quantity


def activation_secret() -> str:
    """A new secret for an activation letter (the municipality's client makes it)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(SECRET_LENGTH))


def typed_form(secret: str) -> str:
    """The secret as printed for typing: groups of four (`7K3Q-...`)."""
    text = normalised(secret)
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def normalised(typed: str) -> str:
    """What a resident typed, as the secret: case, dashes and spaces ignored, O/I/L read as 0/1."""
    return "".join(typed.split()).replace("-", "").upper().translate(_READ_AS)


def activation_digest(budget_id: str, secret: str) -> str:
    """Salted with the budget id, so one digest table cannot serve every budget."""
    material = f"budgets.activation.v1\x00{budget_id}\x00{normalised(secret)}".encode()
    return hashlib.sha256(material).hexdigest()
