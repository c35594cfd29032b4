"""The Fabric CA REST client: token authentication, request bodies and error handling, against a
stand-in for `requests` that records what would go over the wire."""
from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from grootboek.client.identity.signer import CURVE_ORDERS
from grootboek.network.admin import ca_client
from grootboek.network.admin.ca_client import (
    CAError,
    Credentials,
    FabricCAClient,
    Registration,
    auth_token,
    certificate_request,
    crl_pem,
)
from grootboek.network.config.crypto import Authority, subject


@pytest.fixture(scope="module")
def authority() -> Authority:
    return Authority.create("ca.test.example", "test.example")


@pytest.fixture(scope="module")
def registrar(authority) -> Credentials:
    cert, key = authority.issue(subject("admin", "test.example", "client"))
    return Credentials(cert.public_bytes(serialization.Encoding.PEM),
                       key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()))


def test_token_is_the_certificate_and_a_low_s_signature_over_method_uri_body_and_certificate(registrar):
    body = b'{"id":"u1"}'
    token = auth_token(registrar, "POST", "/api/v1/register", body)
    cert_b64, signature_b64 = token.split(".")
    assert base64.b64decode(cert_b64) == registrar.certificate

    payload = ".".join(base64.b64encode(part).decode()
                       for part in (b"/api/v1/register", body, registrar.certificate))
    signature = base64.b64decode(signature_b64)
    registrar.x509.public_key().verify(signature, f"POST.{payload}".encode(), ec.ECDSA(hashes.SHA256()))
    assert decode_dss_signature(signature)[1] <= CURVE_ORDERS["secp256r1"] // 2


def test_the_token_binds_the_request(registrar):
    token = auth_token(registrar, "POST", "/api/v1/register", b"{}")
    signature = base64.b64decode(token.split(".")[1])
    other = ".".join(base64.b64encode(p).decode() for p in (b"/api/v1/revoke", b"{}", registrar.certificate))
    with pytest.raises(InvalidSignature):
        registrar.x509.public_key().verify(signature, f"POST.{other}".encode(), ec.ECDSA(hashes.SHA256()))


def test_registration_marks_every_attribute_for_the_enrolment_certificate():
    body = Registration("shop7", attributes={"role": "merchant", "merchant_id": "shop7"},
                        affiliation="merchants").body()
    assert body["attrs"] == [{"name": "merchant_id", "value": "shop7", "ecert": True},
                             {"name": "role", "value": "merchant", "ecert": True}]
    assert (body["id"], body["type"], body["affiliation"]) == ("shop7", "client", "merchants")
    assert "secret" not in body
    assert Registration("x", secret="s3cret").body()["secret"] == "s3cret"


def test_registration_refuses_types_nodeous_cannot_classify():
    with pytest.raises(ValueError, match="client, admin, peer, orderer"):
        Registration("x", type="user")


def test_certificate_request_names_the_enrollment_id_and_matches_the_key():
    key_pem, csr_pem = certificate_request("officer2")
    csr = x509.load_pem_x509_csr(csr_pem)
    key = serialization.load_pem_private_key(key_pem, None)
    assert csr.subject.rfc4514_string() == "CN=officer2"
    assert csr.public_key().public_numbers() == key.public_key().public_numbers()
    assert csr.is_signature_valid


def test_crl_pem_accepts_the_cas_encoding_and_refuses_garbage(authority):
    now = dt.datetime.now(dt.timezone.utc)
    crl = (x509.CertificateRevocationListBuilder().issuer_name(authority.cert.subject)
           .last_update(now).next_update(now + dt.timedelta(days=1))
           .sign(authority.key, hashes.SHA256()))
    pem = crl.public_bytes(serialization.Encoding.PEM)
    assert crl_pem(base64.b64encode(pem).decode()) == pem
    with pytest.raises(ValueError):
        crl_pem(base64.b64encode(b"not a crl").decode())


class Wire:
    """Records requests and answers them from a queue of (status, document)."""

    def __init__(self, *answers: tuple[int, dict]) -> None:
        self.answers = list(answers)
        self.requests: list[dict] = []

    def __call__(self, method, url, data, headers, auth, verify, timeout):
        self.requests.append({"method": method, "url": url, "body": json.loads(data) if data else None,
                              "headers": headers, "auth": auth, "verify": verify})
        status, doc = self.answers.pop(0)
        return _Response(status, doc)


class _Response:
    def __init__(self, status: int, doc: dict) -> None:
        self.status_code = status
        self._doc = doc
        self.text = json.dumps(doc)

    def json(self) -> dict:
        return self._doc


def ok(result: object) -> tuple[int, dict]:
    return 200, {"success": True, "result": result, "errors": [], "messages": []}


def failed(status: int, code: int, message: str) -> tuple[int, dict]:
    return status, {"success": False, "result": None, "errors": [{"code": code, "message": message}]}


@pytest.fixture
def wire(monkeypatch):
    def install(*answers):
        fake = Wire(*answers)
        monkeypatch.setattr(ca_client.requests, "request", fake)
        return fake
    return install


def test_enroll_uses_basic_auth_and_returns_the_issued_certificate(wire, registrar, tmp_path):
    fake = wire(ok({"Cert": base64.b64encode(registrar.certificate).decode(),
                    "ServerInfo": {"CAChain": base64.b64encode(b"chain").decode()}}))
    client = FabricCAClient("https://127.0.0.1:7054/", tmp_path / "tlsca.pem")
    enrolled = client.enroll("officer2", "pw", attributes=["role"])
    sent = fake.requests[0]
    assert (sent["method"], sent["url"], sent["auth"]) == ("POST", "https://127.0.0.1:7054/api/v1/enroll",
                                                           ("officer2", "pw"))
    assert sent["verify"] == str(tmp_path / "tlsca.pem")
    assert sent["body"]["attr_reqs"] == [{"name": "role", "optional": False}]
    assert x509.load_pem_x509_csr(sent["body"]["certificate_request"].encode()).subject.rfc4514_string() \
        == "CN=officer2"
    assert (enrolled.certificate, enrolled.ca_chain) == (registrar.certificate, b"chain")


def test_registry_calls_carry_a_token_and_the_ca_name(wire, registrar, tmp_path):
    fake = wire(ok({"secret": "generated"}))
    client = FabricCAClient("https://ca", tmp_path / "tls.pem", ca_name="ca")
    assert client.register(registrar, Registration("u1")) == "generated"
    sent = fake.requests[0]
    assert sent["auth"] is None and sent["body"]["caname"] == "ca"
    expected = auth_token(registrar, "POST", "/api/v1/register", json.dumps(sent["body"]).encode())
    assert sent["headers"]["Authorization"].split(".")[0] == expected.split(".")[0]


def test_a_missing_identity_is_none_and_other_refusals_raise_with_the_cas_code(wire, registrar, tmp_path):
    wire(failed(404, 63, "Failed to get User: u9"), failed(409, 74, "Identity 'u1' is already registered"))
    client = FabricCAClient("https://ca", tmp_path / "tls.pem")
    assert client.identity(registrar, "u9") is None
    with pytest.raises(CAError, match="already registered") as refused:
        client.register(registrar, Registration("u1"))
    assert (refused.value.status, refused.value.code) == (409, 74)


def test_register_or_replace_registers_a_new_identity_and_replaces_a_known_one(wire, registrar, tmp_path):
    client = FabricCAClient("https://ca", tmp_path / "tls.pem")
    fresh = wire(failed(404, 63, "Failed to get User: u1"), ok({"secret": "s"}))
    client.register_or_replace(registrar, Registration("u1", attributes={"role": "officer"}, secret="s"))
    assert [(r["method"], r["url"].rsplit("/", 2)[-2:]) for r in fresh.requests] == [
        ("GET", ["identities", "u1"]), ("POST", ["v1", "register"])]

    known = wire(ok({"id": "u1", "type": "client"}), ok({}))
    client.register_or_replace(registrar, Registration("u1", attributes={"role": "clerk"}, secret="t"))
    put = known.requests[1]
    assert (put["method"], put["url"]) == ("PUT", "https://ca/api/v1/identities/u1")
    assert put["body"]["attrs"] == [{"name": "role", "value": "clerk", "ecert": True}] and "id" not in put["body"]
    assert put["body"]["secret"] == "t"
    with pytest.raises(ValueError, match="needs the secret"):
        client.register_or_replace(registrar, Registration("u1"))
