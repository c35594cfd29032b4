"""The identity, signer and hash that every outgoing message is built and signed with."""
from __future__ import annotations

from functools import cached_property

from . import hashing
from .identity import Identity, serialized_identity
from .signer import Signer, as_sign


class SigningIdentity:
    """Bundles who signs (identity), how (signer, optional for offline signing) and what is
    signed (the hash of each message)."""

    def __init__(self, identity: Identity, signer: Signer | None = None,
                 hash: hashing.Hash = hashing.sha256) -> None:
        self.identity = identity
        self._sign = as_sign(signer)
        self._hash = hash

    @cached_property
    def creator(self) -> bytes:
        """Serialized identity for signature headers and gateway requests."""
        return serialized_identity(self.identity)

    def digest(self, message: bytes) -> bytes:
        return self._hash(message)

    def sign_digest(self, digest: bytes) -> bytes:
        return self._sign(digest)

    def sign(self, message: bytes) -> bytes:
        return self._sign(self._hash(message))
