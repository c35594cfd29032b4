"""Messages the client signs before sending, which can also be signed offline.

Each signable message exposes `bytes()` (to hand to another process) and `digest()` (what a
remote signer signs); `Gateway.new_signed_...(bytes, signature)` resumes the flow. A message that
already carries a signature is never signed again.
"""
from __future__ import annotations

from google.protobuf.message import Message

from .identity.signing_identity import SigningIdentity


class Signable:
    """`message` is what travels; `container.<content_field>` is what is signed and
    `container.signature` is where the signature goes."""

    def __init__(self, signing: SigningIdentity, message: Message, container: Message,
                 content_field: str) -> None:
        self._signing = signing
        self._message = message
        self._container = container
        self._content_field = content_field

    def bytes(self) -> bytes:
        """The serialized message, for offline signing or later resumption."""
        return self._message.SerializeToString()

    def digest(self) -> bytes:
        """The digest to sign (the gateway's hash of the signed content)."""
        return self._signing.digest(getattr(self._container, self._content_field))

    @property
    def is_signed(self) -> bool:
        return bool(self._container.signature)

    def set_signature(self, signature: bytes) -> None:
        self._container.signature = signature

    def _ensure_signed(self) -> None:
        if not self.is_signed:
            self.set_signature(self._signing.sign_digest(self.digest()))
