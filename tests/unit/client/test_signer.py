import hashlib

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    Prehashed,
    decode_dss_signature,
    encode_dss_signature,
)

from grootboek.client.identity import (
    PrivateKeySigner,
    SignerUnavailableError,
    SigningIdentity,
    X509Identity,
    hashing,
)
from grootboek.client.identity.signer import CURVE_ORDERS, as_sign, low_s

from .credentials import issue

P256_ORDER = CURVE_ORDERS["secp256r1"]


@pytest.mark.parametrize("curve, hash_fn", [(ec.SECP256R1(), hashing.sha256),
                                            (ec.SECP384R1(), hashing.sha384)])
def test_ecdsa_signatures_verify_and_are_always_low_s(curve, hash_fn):
    key = ec.generate_private_key(curve)
    signer = PrivateKeySigner(key)
    order = CURVE_ORDERS[curve.name]
    for i in range(64):  # about half of raw ECDSA signatures are high-S
        message = f"message {i}".encode()
        signature = signer.sign(hash_fn(message))
        key.public_key().verify(signature, message, ec.ECDSA(
            hashes.SHA256() if curve.name == "secp256r1" else hashes.SHA384()))
        _, s = decode_dss_signature(signature)
        assert s <= order // 2


def test_low_s_flips_high_s_and_keeps_signature_valid():
    key = ec.generate_private_key(ec.SECP256R1())
    digest = hashlib.sha256(b"x").digest()
    r, s = decode_dss_signature(key.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256()))))
    high = encode_dss_signature(r, s if s > P256_ORDER // 2 else P256_ORDER - s)
    normalised = low_s(high, P256_ORDER)
    assert decode_dss_signature(normalised) == (r, min(s, P256_ORDER - s))
    key.public_key().verify(normalised, digest, ec.ECDSA(Prehashed(hashes.SHA256())))
    assert low_s(normalised, P256_ORDER) == normalised


def test_signer_from_pem_and_msp_directory(tmp_path):
    creds = issue()
    digest = hashing.sha256(b"hello")
    for signer in (PrivateKeySigner.from_pem(creds.key_pem),
                   PrivateKeySigner.from_pem(creds.key_pem.decode()),
                   PrivateKeySigner.from_msp_directory(creds.write_msp_directory(tmp_path / "msp"))):
        creds.key.public_key().verify(signer(digest), digest, ec.ECDSA(Prehashed(hashes.SHA256())))


def test_ed25519_signs_the_message_itself():
    key = ed25519.Ed25519PrivateKey.generate()
    signature = PrivateKeySigner(key).sign(hashing.none(b"whole message"))
    key.public_key().verify(signature, b"whole message")
    with pytest.raises(InvalidSignature):
        key.public_key().verify(signature, b"other message")


def test_rejects_unsupported_keys_and_digests():
    with pytest.raises(ValueError, match="curve"):
        PrivateKeySigner(ec.generate_private_key(ec.SECP256K1()))
    with pytest.raises(ValueError, match="digest"):
        PrivateKeySigner(ec.generate_private_key(ec.SECP256R1())).sign(b"short")


def test_as_sign_accepts_callables_and_sign_objects_and_refuses_none():
    class Remote:
        def sign(self, digest: bytes) -> bytes:
            return b"remote:" + digest

    assert as_sign(Remote())(b"d") == b"remote:d"
    assert as_sign(lambda d: b"fn:" + d)(b"d") == b"fn:d"
    with pytest.raises(SignerUnavailableError):
        as_sign(None)(b"d")
    with pytest.raises(TypeError):
        as_sign(42)  # type: ignore[arg-type]


def test_signing_identity_hashes_then_signs():
    creds = issue()
    seen = []
    signing = SigningIdentity(X509Identity(creds.msp_id, creds.certificate_pem),
                              lambda digest: seen.append(digest) or b"sig", hash=hashing.sha384)
    assert signing.sign(b"payload") == b"sig"
    assert seen == [hashlib.sha384(b"payload").digest()]
    assert signing.digest(b"payload") == hashlib.sha384(b"payload").digest()
