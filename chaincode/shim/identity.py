"""The submitting client's identity: MSP id, Fabric's id string, certificate and CA attributes."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property, lru_cache

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from fabric_protos.msp import identities_pb2

from .errors import ShimError

# Fabric CA puts enrollment attributes in this extension as JSON {"attrs": {name: value}}.
ATTRIBUTE_OID = x509.ObjectIdentifier("1.2.3.4.5.6.7.8.1")

# The attributes Go's pkix.Name keeps, in the order its ToRDNSequence emits them; the DN string
# lists them in reverse. Other attribute types are dropped, exactly as Fabric's Go code does.
_DN_ORDER = (
    (NameOID.COUNTRY_NAME, "C"),
    (NameOID.STATE_OR_PROVINCE_NAME, "ST"),
    (NameOID.LOCALITY_NAME, "L"),
    (NameOID.STREET_ADDRESS, "STREET"),
    (NameOID.POSTAL_CODE, "POSTALCODE"),
    (NameOID.ORGANIZATION_NAME, "O"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "OU"),
    (NameOID.COMMON_NAME, "CN"),
    (NameOID.SERIAL_NUMBER, "SERIALNUMBER"),
)
_SINGLE_VALUED = {NameOID.COMMON_NAME, NameOID.SERIAL_NUMBER}


def format_dn(name: x509.Name) -> str:
    """A distinguished name exactly as Go's pkix.Name.String() renders it (RFC 2253 style)."""
    rdns = []
    for oid, label in _DN_ORDER:
        values = [attr.value for attr in name.get_attributes_for_oid(oid)]
        if oid in _SINGLE_VALUED:
            values = values[-1:]  # Go keeps the last CN / serial number only
        if values:
            rdns.append("+".join(f"{label}={_escape(str(value))}" for value in values))
    return ",".join(reversed(rdns))


def _escape(value: str) -> str:
    out = []
    for index, char in enumerate(value):
        if char in ',+"\\<>;' or (index == 0 and char in " #") or (
            index == len(value) - 1 and char == " "
        ):
            out.append("\\")
        out.append(char)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class _Parsed:
    msp_id: str
    certificate: x509.Certificate | None
    id: str
    attributes: dict[str, str]


@lru_cache(maxsize=256)
def _parse(creator: bytes) -> _Parsed:
    # Cached: the same few client identities sign nearly every transaction, and parsing X.509
    # costs far more than the rest of a cheap transaction.
    try:
        serialized = identities_pb2.SerializedIdentity.FromString(creator)
    except Exception as exc:
        raise ShimError(f"creator is not a serialized identity: {exc}") from None
    if b"-----BEGIN" not in serialized.id_bytes:
        # Idemix identities carry no certificate; only the MSP id is meaningful.
        return _Parsed(serialized.mspid, None, "", {})
    try:
        cert = x509.load_pem_x509_certificate(serialized.id_bytes)
    except ValueError as exc:
        raise ShimError(f"creator certificate cannot be parsed: {exc}") from None
    identity = f"x509::{format_dn(cert.subject)}::{format_dn(cert.issuer)}"
    return _Parsed(serialized.mspid, cert, identity, _attributes(cert))


def _attributes(cert: x509.Certificate) -> dict[str, str]:
    try:
        extension = cert.extensions.get_extension_for_oid(ATTRIBUTE_OID)
    except x509.ExtensionNotFound:
        return {}
    raw = extension.value.value  # UnrecognizedExtension: the raw extension bytes
    try:
        attrs = json.loads(raw)["attrs"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ShimError(f"malformed Fabric CA attribute extension: {exc}") from None
    return {str(name): str(value) for name, value in attrs.items()}


class ClientIdentity:
    """Who submitted the transaction (cid in Go's shim). Parsed on first use."""

    def __init__(self, creator: bytes) -> None:
        self.creator = creator

    @cached_property
    def _parsed(self) -> _Parsed:
        return _parse(self.creator)

    @property
    def msp_id(self) -> str:
        return self._parsed.msp_id

    @property
    def id(self) -> str:
        """Fabric's unique id: "x509::<subject DN>::<issuer DN>" (Go's cid base64-encodes it)."""
        return self._parsed.id

    @property
    def certificate(self) -> x509.Certificate | None:
        return self._parsed.certificate

    @property
    def certificate_pem(self) -> str | None:
        cert = self._parsed.certificate
        return cert.public_bytes(Encoding.PEM).decode() if cert else None

    @property
    def attributes(self) -> dict[str, str]:
        """All Fabric CA attributes (a copy)."""
        return dict(self._parsed.attributes)

    def get_attribute_value(self, name: str) -> str | None:
        return self._parsed.attributes.get(name)

    def has_ou_value(self, ou: str) -> bool:
        cert = self._parsed.certificate
        if cert is None:
            return False
        return any(
            attr.value == ou for attr in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
        )
