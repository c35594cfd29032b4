"""Signers: turn a digest into a signature the peers accept.

Anything that maps digest bytes to signature bytes is a signer, so HSM-backed or remote signers
plug in as a plain callable or as an object with `sign(digest)`. `PrivateKeySigner` covers keys
held in memory: ECDSA (P-256, P-384) with low-S normalisation, and Ed25519.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Protocol, Union

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    Prehashed,
    decode_dss_signature,
    encode_dss_signature,
)

from . import msp_directory

Sign = Callable[[bytes], bytes]


class SupportsSign(Protocol):
    def sign(self, digest: bytes) -> bytes: ...


Signer = Union[Sign, SupportsSign]

# Fabric's MSP rejects ECDSA signatures whose s is above half the curve order (malleability).
CURVE_ORDERS = {
    "secp256r1": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "secp384r1": int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
        16,
    ),
}

_PREHASHED_BY_LENGTH = {32: hashes.SHA256(), 48: hashes.SHA384(), 64: hashes.SHA512()}


class SignerUnavailableError(RuntimeError):
    """A message had to be signed but the gateway was connected without a signer (offline flow)."""


def as_sign(signer: Signer | None) -> Sign:
    """Normalises a signer to a plain callable; None gives one that refuses to sign."""
    if signer is None:
        return _refuse
    sign = getattr(signer, "sign", None)
    if callable(sign):
        return sign
    if callable(signer):
        return signer
    raise TypeError(f"not a signer: {signer!r}")


def _refuse(digest: bytes) -> bytes:
    raise SignerUnavailableError(
        "no signer supplied: sign digest() elsewhere and resume with gateway.new_signed_...()"
    )


def low_s(signature_der: bytes, curve_order: int) -> bytes:
    """Returns the canonical (low-S) form of a DER ECDSA signature."""
    r, s = decode_dss_signature(signature_der)
    if s > curve_order // 2:
        s = curve_order - s
    return encode_dss_signature(r, s)


class PrivateKeySigner:
    """Signs digests with an in-memory private key."""

    def __init__(self, key: ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey) -> None:
        if isinstance(key, ec.EllipticCurvePrivateKey):
            if key.curve.name not in CURVE_ORDERS:
                raise ValueError(f"unsupported ECDSA curve {key.curve.name}")
            self._order = CURVE_ORDERS[key.curve.name]
        elif not isinstance(key, ed25519.Ed25519PrivateKey):
            raise ValueError(f"unsupported private key type {type(key).__name__}")
        self._key = key

    def sign(self, digest: bytes) -> bytes:
        """ECDSA: `digest` is a hash (32/48/64 bytes). Ed25519: `digest` is the message itself
        (connect with hash=hashing.none)."""
        if isinstance(self._key, ed25519.Ed25519PrivateKey):
            return self._key.sign(digest)
        algorithm = _PREHASHED_BY_LENGTH.get(len(digest))
        if algorithm is None:
            raise ValueError(f"ECDSA needs a 32, 48 or 64 byte digest, got {len(digest)} bytes")
        return low_s(self._key.sign(digest, ec.ECDSA(Prehashed(algorithm))), self._order)

    __call__ = sign

    @classmethod
    def from_pem(cls, private_key_pem: bytes | str, password: bytes | None = None) -> PrivateKeySigner:
        data = private_key_pem.encode() if isinstance(private_key_pem, str) else private_key_pem
        return cls(serialization.load_pem_private_key(data, password))  # type: ignore[arg-type]

    @classmethod
    def from_msp_directory(cls, msp_dir: str | Path) -> PrivateKeySigner:
        """Loads the key from an MSP directory's keystore/."""
        return cls.from_pem(msp_directory.private_key(msp_dir))
