"""Crypto material for the consortium: per organisation a signing CA and a TLS CA, and from them
MSP directories and TLS key pairs for nodes and users.

We generate it with `cryptography` rather than cryptogen: it is faster, needs no YAML detour, and can
put Fabric CA attributes into bootstrap users' certificates. The organisation CA is the one its
Fabric CA server later signs with, so enrolled users chain to the same root.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

# Fabric CA stores enrolment attributes as JSON in this (non-standard) extension.
ATTRIBUTES_OID = ObjectIdentifier("1.2.3.4.5.6.7.8.1")
VALIDITY = dt.timedelta(days=3650)
CLOCK_SKEW = dt.timedelta(minutes=5)

NODE_OUS = """NodeOUs:
  Enable: true
  ClientOUIdentifier: {Certificate: cacerts/ca.pem, OrganizationalUnitIdentifier: client}
  PeerOUIdentifier: {Certificate: cacerts/ca.pem, OrganizationalUnitIdentifier: peer}
  AdminOUIdentifier: {Certificate: cacerts/ca.pem, OrganizationalUnitIdentifier: admin}
  OrdererOUIdentifier: {Certificate: cacerts/ca.pem, OrganizationalUnitIdentifier: orderer}
"""


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the certificate, as operators read it aloud: colon-separated hex pairs."""
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write(path: Path, data: bytes, private: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if private:
        path.chmod(0o600)


@dataclass
class Authority:
    """A certificate authority: its certificate and key, able to issue leaf certificates."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @classmethod
    def create(cls, common_name: str, organization: str) -> "Authority":
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ])
        now = dt.datetime.now(dt.timezone.utc)
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - CLOCK_SKEW)
            .not_valid_after(now + VALIDITY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                              data_encipherment=False, key_agreement=False, key_cert_sign=True,
                              crl_sign=True, encipher_only=False, decipher_only=False),
                critical=True,
            )
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256())
        )
        return cls(cert, key)

    @classmethod
    def load(cls, directory: Path) -> "Authority":
        cert = x509.load_pem_x509_certificate((directory / "cert.pem").read_bytes())
        key = serialization.load_pem_private_key((directory / "key.pem").read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return cls(cert, key)

    def save(self, directory: Path) -> None:
        _write(directory / "cert.pem", _pem(self.cert))
        _write(directory / "key.pem", _key_pem(self.key), private=True)

    @property
    def pem(self) -> bytes:
        return _pem(self.cert)

    def issue(
        self,
        subject: x509.Name,
        *,
        tls_hosts: list[str] | None = None,
        attributes: dict[str, str] | None = None,
    ) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        """Issues a leaf certificate: a TLS certificate when `tls_hosts` is given (server and
        client use), else a signing (enrolment) certificate."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.timezone.utc)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - CLOCK_SKEW)
            .not_valid_after(now + VALIDITY)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False
            )
        )
        if tls_hosts is not None:
            sans: list[x509.GeneralName] = []
            for host in tls_hosts:
                try:
                    sans.append(x509.IPAddress(ipaddress.ip_address(host)))
                except ValueError:
                    sans.append(x509.DNSName(host))
            builder = (
                builder.add_extension(
                    x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=True,
                                  data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                  crl_sign=False, encipher_only=False, decipher_only=False),
                    critical=True,
                )
                .add_extension(
                    x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                    critical=False,
                )
                .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            )
        else:
            builder = builder.add_extension(
                x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                              data_encipherment=False, key_agreement=False, key_cert_sign=False,
                              crl_sign=False, encipher_only=False, decipher_only=False),
                critical=True,
            )
        if attributes:
            builder = builder.add_extension(
                x509.UnrecognizedExtension(ATTRIBUTES_OID, json.dumps({"attrs": attributes}).encode()),
                critical=False,
            )
        return builder.sign(self.key, hashes.SHA256()), key

    def renew(self, old: x509.Certificate) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        """A certificate like `old` (subject, host names, attributes, usages, lifetime) for a new
        key, valid from now: what a node or user needs when `old` nears its end."""
        key = ec.generate_private_key(ec.SECP256R1())
        start = dt.datetime.now(dt.timezone.utc) - CLOCK_SKEW
        builder = (
            x509.CertificateBuilder()
            .subject_name(old.subject)
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + (old.not_valid_after_utc - old.not_valid_before_utc))
        )
        for extension in old.extensions:
            value = extension.value
            if isinstance(value, x509.SubjectKeyIdentifier):
                value = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
            elif isinstance(value, x509.AuthorityKeyIdentifier):
                value = x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key())
            builder = builder.add_extension(value, extension.critical)
        return builder.sign(self.key, hashes.SHA256()), key


def subject(common_name: str, organization: str, ou: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


class OrgCrypto:
    """An organisation's crypto directory:

    ca/, tlsca/                       the two authorities (cert.pem, key.pem)
    msp/                              the organisation MSP used in channel configuration
    nodes/<host>/{msp,tls}/           a node's local MSP and TLS key pair
    users/<name>/{msp,tls}/           a user's MSP (enrolment cert) and TLS client key pair
    """

    def __init__(self, root: Path, domain: str):
        self.root = root
        self.domain = domain

    @property
    def exists(self) -> bool:
        return (self.root / "tlsca" / "key.pem").exists()

    def create(self) -> None:
        Authority.create(f"ca.{self.domain}", self.domain).save(self.root / "ca")
        Authority.create(f"tlsca.{self.domain}", self.domain).save(self.root / "tlsca")
        self._write_msp_base(self.root / "msp")

    @property
    def ca(self) -> Authority:
        return Authority.load(self.root / "ca")

    @property
    def tlsca(self) -> Authority:
        return Authority.load(self.root / "tlsca")

    def _write_msp_base(self, msp: Path) -> None:
        _write(msp / "cacerts" / "ca.pem", (self.root / "ca" / "cert.pem").read_bytes())
        _write(msp / "tlscacerts" / "tlsca.pem", (self.root / "tlsca" / "cert.pem").read_bytes())
        _write(msp / "config.yaml", NODE_OUS.encode())

    def _enroll(self, directory: Path, common_name: str, ou: str, attributes: dict[str, str] | None) -> None:
        cert, key = self.ca.issue(subject(common_name, self.domain, ou), attributes=attributes)
        msp = directory / "msp"
        self._write_msp_base(msp)
        _write(msp / "signcerts" / "cert.pem", _pem(cert))
        _write(msp / "keystore" / "priv_sk", _key_pem(key), private=True)

    def _tls(self, directory: Path, common_name: str, hosts: list[str], prefix: str) -> None:
        tlsca = self.tlsca
        cert, key = tlsca.issue(subject(common_name, self.domain, "tls"), tls_hosts=hosts)
        tls = directory / "tls"
        _write(tls / "ca.crt", tlsca.pem)
        _write(tls / f"{prefix}.crt", _pem(cert))
        _write(tls / f"{prefix}.key", _key_pem(key), private=True)

    def node_dir(self, host: str) -> Path:
        return self.root / "nodes" / host

    def user_dir(self, name: str) -> Path:
        return self.root / "users" / name

    def add_node(self, host: str, ou: str, addresses: list[str]) -> Path:
        """Local MSP and TLS server pair for a node named `host`, reached and listening at
        `addresses` (Layout.tls_hosts)."""
        directory = self.node_dir(host)
        self._enroll(directory, host, ou, None)
        self._tls(directory, host, sorted({host, host.split(".")[0], "localhost", *addresses}), "server")
        return directory

    def add_user(self, name: str, admin: bool = False, attributes: dict[str, str] | None = None) -> Path:
        directory = self.user_dir(name)
        common = f"{name}@{self.domain}"
        self._enroll(directory, common, "admin" if admin else "client", attributes)
        self._tls(directory, common, [common], "client")
        return directory

    def add_server_tls(self, directory: Path, host: str, addresses: list[str]) -> None:
        """A TLS server pair for a non-Fabric service (CA, chaincode server, REST gateway)."""
        self._tls(directory, host, sorted({host, "localhost", *addresses}), "server")
