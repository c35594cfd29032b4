"""Message digests applied before signing.

A `Hash` turns the bytes of a message into the digest a `Signer` signs. SHA-256 is what Fabric's
MSPs expect by default; `none` passes the message through for signers that hash themselves
(Ed25519, some HSMs).
"""
from __future__ import annotations

import hashlib
from typing import Callable

Hash = Callable[[bytes], bytes]


def sha256(message: bytes) -> bytes:
    return hashlib.sha256(message).digest()


def sha384(message: bytes) -> bytes:
    return hashlib.sha384(message).digest()


def sha3_256(message: bytes) -> bytes:
    return hashlib.sha3_256(message).digest()


def sha3_384(message: bytes) -> bytes:
    return hashlib.sha3_384(message).digest()


def none(message: bytes) -> bytes:
    """No digest: the signer receives the whole message."""
    return message
