"""Client identities: who signs, as the peers see it (an MSP ID plus X.509 credentials)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography import x509
from fabric_protos.msp import identities_pb2

from . import msp_directory


class Identity(Protocol):
    """What Fabric needs to know about a signer: its MSP and its serialized credentials."""

    @property
    def msp_id(self) -> str: ...

    @property
    def credentials(self) -> bytes: ...


@dataclass(frozen=True)
class X509Identity:
    """An MSP member identified by its X.509 certificate (PEM bytes, as Fabric serializes it)."""

    msp_id: str
    certificate: bytes

    def __post_init__(self) -> None:
        x509.load_pem_x509_certificate(self.certificate)  # fail early on garbage

    @property
    def credentials(self) -> bytes:
        return self.certificate

    @property
    def x509_certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.certificate)

    @classmethod
    def from_pem(cls, msp_id: str, certificate_pem: bytes | str) -> X509Identity:
        certificate = certificate_pem.encode() if isinstance(certificate_pem, str) else certificate_pem
        return cls(msp_id, certificate)

    @classmethod
    def from_msp_directory(cls, msp_id: str, msp_dir: str | Path) -> X509Identity:
        """Reads the signing certificate from an MSP directory's signcerts/ (as cryptogen and
        fabric-ca-client lay it out)."""
        return cls(msp_id, msp_directory.signing_certificate(msp_dir))


def serialized_identity(identity: Identity) -> bytes:
    """The `creator` bytes that go into signature headers and gateway requests."""
    return identities_pb2.SerializedIdentity(
        mspid=identity.msp_id, id_bytes=identity.credentials
    ).SerializeToString()
