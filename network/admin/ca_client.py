"""A client for Fabric CA's REST API (what `fabric-ca-client` speaks): enroll, register, modify,
look up and revoke identities, and generate the CRL.

We speak the REST API rather than run `fabric-ca-client`: no client home directories or config
files, the private key never touches the disk unless the caller writes it, and errors arrive as
the CA's own codes and messages instead of scraped process output.

Enrollment authenticates with the enrollment secret (HTTP basic auth); every other call with a
token made from the caller's certificate: base64(cert) "." base64(signature), the signature over
``METHOD.base64(request URI).base64(body).base64(cert)`` (Fabric CA's x509 token).
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from grootboek.client.identity import PrivateKeySigner

API = "/api/v1"
IDENTITY_TYPES = ("client", "admin", "peer", "orderer")


class CAError(RuntimeError):
    """The CA refused a request or could not be reached; `code` is the CA's error code if any."""

    def __init__(self, message: str, status: int | None = None, code: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass(frozen=True)
class Credentials:
    """An enrolled identity: its certificate and private key (PEM), and the CA chain (PEM)."""

    certificate: bytes
    private_key: bytes
    ca_chain: bytes = b""

    @property
    def x509(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.certificate)


@dataclass(frozen=True)
class Registration:
    """What the registrar declares about a new identity. Every attribute is marked `ecert`, so
    enrolment puts it into the certificate's attribute extension where chaincode reads it."""

    name: str
    type: str = "client"
    affiliation: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    secret: str | None = None      # None: the CA generates one and returns it
    max_enrollments: int = 0       # 0: the CA's default (unlimited in our CA configuration)

    def __post_init__(self) -> None:
        if self.type not in IDENTITY_TYPES:
            raise ValueError(f"identity type must be one of {', '.join(IDENTITY_TYPES)}, not {self.type!r}")

    def body(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "id": self.name,
            "type": self.type,
            "affiliation": self.affiliation,
            "attrs": [{"name": k, "value": v, "ecert": True} for k, v in sorted(self.attributes.items())],
            "max_enrollments": self.max_enrollments,
        }
        if self.secret is not None:
            doc["secret"] = self.secret
        return doc


def certificate_request(enrollment_id: str) -> tuple[bytes, bytes]:
    """A new P-256 key and a CSR for it (PEM, PEM); the CA requires CN = the enrollment id."""
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, enrollment_id)]))
           .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return key_pem, csr.public_bytes(serialization.Encoding.PEM)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def auth_token(credentials: Credentials, method: str, uri: str, body: bytes) -> str:
    """Fabric CA's x509 authorization token for one request."""
    payload = ".".join((method, _b64(uri.encode()), _b64(body), _b64(credentials.certificate)))
    digest = hashes.Hash(hashes.SHA256())
    digest.update(payload.encode())
    # Fabric's BCCSP rejects high-S ECDSA signatures; PrivateKeySigner produces low-S ones.
    signature = PrivateKeySigner.from_pem(credentials.private_key).sign(digest.finalize())
    return f"{_b64(credentials.certificate)}.{_b64(signature)}"


def crl_pem(b64_pem: str) -> bytes:
    """The CA returns its CRL as base64 of the PEM (what Fabric's MSP configuration wants)."""
    pem = base64.b64decode(b64_pem)
    x509.load_pem_x509_crl(pem)  # fail here, not later inside a channel config update
    return pem


class FabricCAClient:
    """One Fabric CA server, over HTTPS verified against `tls_ca_file`."""

    def __init__(self, url: str, tls_ca_file: Path, ca_name: str = "", timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.tls_ca_file = tls_ca_file
        self.ca_name = ca_name
        self.timeout = timeout

    def _call(self, method: str, path: str, body: dict | None = None, *,
              auth: Credentials | tuple[str, str] | None = None, missing_ok: bool = False) -> Any:
        uri = f"{API}/{path}"
        data = json.dumps(body).encode() if body is not None else b""
        headers = {"Content-Type": "application/json"}
        basic = None
        if isinstance(auth, Credentials):
            headers["Authorization"] = auth_token(auth, method, uri, data)
        else:
            basic = auth
        try:
            response = requests.request(method, self.url + uri, data=data, headers=headers, auth=basic,
                                        verify=str(self.tls_ca_file), timeout=self.timeout)
        except requests.RequestException as exc:
            raise CAError(f"CA at {self.url} not reachable: {exc}") from None
        try:
            doc = response.json()
        except ValueError:
            raise CAError(f"{method} {uri}: HTTP {response.status_code}: {response.text.strip()[:200]}",
                          response.status_code) from None
        if doc.get("success"):
            return doc.get("result")
        errors = doc.get("errors") or [{"message": response.text.strip()[:200]}]
        code = errors[0].get("code")
        if missing_ok and code == 63:  # "identity not found" in Fabric CA's error codes
            return None
        message = "; ".join(str(e.get("message")) for e in errors)
        raise CAError(f"{method} {uri}: {message}", response.status_code, code)

    def _with_ca(self, body: dict) -> dict:
        return {**body, "caname": self.ca_name} if self.ca_name else body

    # -- enrolment ---------------------------------------------------------------------------

    def enroll(self, enrollment_id: str, secret: str, attributes: list[str] | None = None) -> Credentials:
        """A certificate for a new key. `attributes` None: every `ecert` attribute of the
        identity (plus hf.EnrollmentID, hf.Type, hf.Affiliation); else only those named."""
        wanted = None if attributes is None else [{"name": name, "optional": False} for name in attributes]
        return self._enrol("enroll", enrollment_id, (enrollment_id, secret), wanted)

    def reenroll(self, current: Credentials) -> Credentials:
        """A new certificate for a new key, authenticated by the identity's current (still
        valid) certificate: no secret needed, and the CA keeps its registered attributes."""
        enrollment_id = current.x509.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
        return self._enrol("reenroll", str(enrollment_id), current)

    def _enrol(self, path: str, enrollment_id: str, auth: Credentials | tuple[str, str],
               attribute_requests: list[dict] | None = None) -> Credentials:
        key_pem, csr_pem = certificate_request(enrollment_id)
        body: dict[str, Any] = {"certificate_request": csr_pem.decode()}
        if self.ca_name:
            body["CAName"] = self.ca_name
        if attribute_requests is not None:
            body["attr_reqs"] = attribute_requests
        result = self._call("POST", path, body, auth=auth)
        chain = base64.b64decode(result.get("ServerInfo", {}).get("CAChain", "") or "")
        return Credentials(base64.b64decode(result["Cert"]), key_pem, chain)

    # -- registry (needs a registrar's credentials) ------------------------------------------

    def register(self, registrar: Credentials, registration: Registration) -> str:
        """Registers a new identity; returns its enrollment secret."""
        result = self._call("POST", "register", self._with_ca(registration.body()), auth=registrar)
        return result["secret"]

    def identity(self, registrar: Credentials, name: str) -> dict | None:
        """The registered identity (id, type, affiliation, attrs, max_enrollments), or None."""
        return self._call("GET", f"identities/{name}", auth=registrar, missing_ok=True)

    def modify(self, registrar: Credentials, registration: Registration) -> None:
        """Replaces an existing identity's type, affiliation, attributes and (if given) secret."""
        body = registration.body()
        del body["id"]
        self._call("PUT", f"identities/{registration.name}", self._with_ca(body), auth=registrar)

    def register_or_replace(self, registrar: Credentials, registration: Registration) -> None:
        """Registers the identity, or replaces the registration of an existing one, so that
        asking again converges on what was asked. `registration.secret` must be set."""
        if registration.secret is None:
            raise ValueError("replacing a registration needs the secret to enrol with afterwards")
        if self.identity(registrar, registration.name) is None:
            self.register(registrar, registration)
        else:
            self.modify(registrar, registration)

    # -- revocation ---------------------------------------------------------------------------

    def revoke(self, registrar: Credentials, name: str, reason: str = "") -> bytes:
        """Revokes every certificate of the identity (and the identity: it cannot enroll again);
        returns the CA's new CRL (PEM)."""
        body = {"id": name, "gencrl": True}
        if reason:
            body["reason"] = reason
        result = self._call("POST", "revoke", self._with_ca(body), auth=registrar)
        return crl_pem(result["CRL"]) if result.get("CRL") else self.crl(registrar)

    def crl(self, registrar: Credentials) -> bytes:
        """The CA's current certificate revocation list (PEM)."""
        return crl_pem(self._call("POST", "gencrl", self._with_ca({}), auth=registrar)["CRL"])
