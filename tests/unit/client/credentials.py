"""Throwaway X.509 credentials for tests: a CA and members it signed, as Fabric MSPs hold them."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class Credentials:
    msp_id: str
    key: ec.EllipticCurvePrivateKey
    certificate_pem: bytes

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())

    def write_msp_directory(self, root: Path) -> Path:
        (root / "signcerts").mkdir(parents=True)
        (root / "keystore").mkdir()
        (root / "signcerts" / "cert.pem").write_bytes(self.certificate_pem)
        (root / "keystore" / "priv_sk").write_bytes(self.key_pem)
        return root


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def issue(msp_id: str = "Org1MSP", common_name: str = "user1",
          curve: ec.EllipticCurve | None = None, san: str | None = None) -> Credentials:
    """A self-signed certificate: enough for everything that only parses certificates."""
    key = ec.generate_private_key(curve or ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    )
    if san:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
    certificate = builder.sign(key, hashes.SHA256())
    return Credentials(msp_id, key, certificate.public_bytes(serialization.Encoding.PEM))
