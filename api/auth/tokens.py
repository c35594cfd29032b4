"""API tokens: 32 random bytes shown to the user once; the gateway keeps only their SHA-256."""
from __future__ import annotations

import base64
import hashlib
import secrets

PREFIX = "gbk_"  # recognisable in logs and secret scanners


def new_token() -> str:
    return PREFIX + base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token_id() -> str:
    return "tok_" + secrets.token_hex(6)
