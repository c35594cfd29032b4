"""Test X.509 identities, issued on the fly, shaped like Fabric CA enrollments."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from fabric_protos.msp import identities_pb2

from grootboek.chaincode.shim.identity import ATTRIBUTE_OID, ClientIdentity


@dataclass(frozen=True)
class TestIdentity:
    """A client identity for tests: pass `creator` (or the object) wherever a creator is needed."""

    __test__ = False  # not a pytest test class, despite the name

    msp_id: str
    certificate: x509.Certificate
    private_key: ec.EllipticCurvePrivateKey

    @property
    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(Encoding.PEM)

    @property
    def creator(self) -> bytes:
        """The serialized identity (msp.SerializedIdentity), as in a proposal's header."""
        return identities_pb2.SerializedIdentity(
            mspid=self.msp_id, id_bytes=self.certificate_pem
        ).SerializeToString()

    @property
    def client_identity(self) -> ClientIdentity:
        return ClientIdentity(self.creator)


@lru_cache(maxsize=None)
def _ca(msp_id: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Name]:
    """One CA per MSP for the whole test session, as a network has."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, msp_id),
            x509.NameAttribute(NameOID.COMMON_NAME, f"ca.{msp_id}"),
        ]
    )
    return key, name


def make_identity(
    msp_id: str,
    common_name: str,
    attributes: dict[str, str] | None = None,
    ou: str = "client",
    organization: str | None = None,
) -> TestIdentity:
    """Issues an identity whose subject is "CN=<common_name>,OU=<ou>,O=<organization>,C=NL".

    `attributes` go into the Fabric CA attribute extension, read by
    `ClientIdentity.get_attribute_value`.
    """
    ca_key, ca_name = _ca(msp_id)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization or msp_id),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.now(timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365))
    )
    if attributes:
        raw = json.dumps({"attrs": attributes}).encode()
        builder = builder.add_extension(x509.UnrecognizedExtension(ATTRIBUTE_OID, raw), critical=False)
    return TestIdentity(msp_id, builder.sign(ca_key, hashes.SHA256()), key)
