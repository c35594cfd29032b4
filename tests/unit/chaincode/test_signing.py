import base64

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from grootboek.chaincode import signing


def test_signature_round_trip_and_tamper_detection():
    key = ec.generate_private_key(ec.SECP256R1())
    statement = {"budget": "b1", "nonce": "n1", "amount": 500}
    sig = signing.sign(key, statement)
    signing.verify(signing.public_key_pem(key), statement, sig)
    with pytest.raises(signing.SignatureError, match="does not match"):
        signing.verify(signing.public_key_pem(key), {**statement, "amount": 501}, sig)


def test_canonical_json_ignores_key_order():
    assert signing.canonical_json({"b": 1, "a": "é"}) == signing.canonical_json({"a": "é", "b": 1})
    assert signing.canonical_json({"b": 1, "a": 2}) == b'{"a":2,"b":1}'


def test_rejects_other_curves_and_garbage():
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    from cryptography.hazmat.primitives import serialization

    pem = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    with pytest.raises(signing.SignatureError, match="P-256"):
        signing.load_public_key(pem)
    with pytest.raises(signing.SignatureError, match="not a PEM"):
        signing.load_public_key("hello")
    key = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(signing.SignatureError, match="base64"):
        signing.verify(signing.public_key_pem(key), {}, "!!!")
    with pytest.raises(signing.SignatureError):
        signing.verify(signing.public_key_pem(key), {}, base64.b64encode(b"junk").decode())
