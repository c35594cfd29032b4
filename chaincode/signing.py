"""Signed statements by people who hold no Fabric identity (budget holders, land owners, lenders).

Their apps keep an ECDSA P-256 key; the public key is registered on the ledger, and a statement
(a payment authorisation, a consent to a transfer) is canonical JSON signed with that key. Chaincode
verifies the signature deterministically, so every endorser reaches the same verdict.
"""
from __future__ import annotations

import base64
import binascii
import json
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec


class SignatureError(ValueError):
    """A key or signature is malformed, or a signature does not match the statement."""


def canonical_json(statement: Any) -> bytes:
    """The exact bytes that are signed: sorted keys, no whitespace, UTF-8."""
    return json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@lru_cache(maxsize=4096)  # a holder's key is verified again on every payment
def load_public_key(pem: str) -> ec.EllipticCurvePublicKey:
    """Parses a PEM public key and insists on ECDSA P-256."""
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError) as exc:
        raise SignatureError(f"not a PEM public key: {exc}") from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise SignatureError("public key must be ECDSA P-256")
    return key


def public_key_pem(key: ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey) -> str:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        key = key.public_key()
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def sign(private_key: ec.EllipticCurvePrivateKey, statement: Any) -> str:
    """Signs a statement; returns the DER signature, base64 encoded (what holders' apps do)."""
    der = private_key.sign(canonical_json(statement), ec.ECDSA(hashes.SHA256()))
    return base64.b64encode(der).decode()


def verify(public_key_pem_text: str, statement: Any, signature_b64: str) -> None:
    """Raises SignatureError unless `signature_b64` signs `statement` with the given key."""
    key = load_public_key(public_key_pem_text)
    try:
        der = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("signature is not valid base64") from None
    try:
        key.verify(der, canonical_json(statement), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise SignatureError("signature does not match the statement and key") from None
