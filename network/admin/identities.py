"""Users of an organisation, registered and enrolled at the organisation's Fabric CA
(network/config/ca.py).

    identities = Identities(network.layout, "Municipality")
    user = identities.create("officer2", attributes={"role": "officer"})   # MSP dir under crypto/
    user = identities.create("shop7", attributes={"role": "merchant", "merchant_id": "shop7"},
                             wallet=FileWallet(path))                      # and/or a wallet entry
    crl = identities.revoke("shop7")                                       # PEM CRL

Attributes are registered for inclusion in the enrolment certificate (Fabric CA's `name=value:ecert`),
so chaincode reads them from the certificate. The identity type (client, admin, peer, orderer)
becomes the certificate's OU, which our MSPs' NodeOUs classify. The CA signs with the
organisation's CA key, so enrolled users are members of the organisation's MSP.

The CA's bootstrap registrar is enrolled once and its credentials kept (key 0600) in
crypto/<Org>/ca-registrar/. Revocation writes the CA's CRL to crypto/<Org>/msp/crls/, so channels
created later carry it; running channels need a config update (see `revocation.publish_crl`).
"""
from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from grootboek.client.identity import FileWallet, WalletEntry
from grootboek.network.admin.ca_client import CAError, Credentials, FabricCAClient, Registration
from grootboek.network.config import ca
from grootboek.network.config.layout import Layout

# Fabric CA error codes that mean "already revoked": revoking again is a no-op, not a failure.
_ALREADY_REVOKED = {14, 66}
_MSP_BASE = ("cacerts", "tlscacerts", "config.yaml")


@dataclass(frozen=True)
class EnrolledUser:
    """A user enrolled at the organisation's CA."""

    name: str
    msp_id: str
    credentials: Credentials
    secret: str  # the enrolment secret: lets the user enrol again elsewhere

    @property
    def certificate(self) -> bytes:
        return self.credentials.certificate

    @property
    def private_key(self) -> bytes:
        return self.credentials.private_key

    def wallet_entry(self) -> WalletEntry:
        return WalletEntry(self.msp_id, self.certificate, self.private_key)


class Identities:
    """Registers, enrolls and revokes the users of one organisation."""

    def __init__(self, layout: Layout, org_name: str) -> None:
        self.layout = layout
        self.org = layout.consortium.organization(org_name)
        self.crypto = layout.crypto(self.org.name)
        self.client = FabricCAClient(f"https://{layout.address(self.org.ca.port)}",
                                     self.crypto.root / "tlsca" / "cert.pem")
        self._registrar: Credentials | None = None

    @property
    def affiliation(self) -> str:
        # The one affiliation our CA configuration declares per organisation.
        return self.org.name.lower()

    def registrar(self) -> Credentials:
        """The CA's bootstrap registrar, enrolled on first use and kept."""
        if self._registrar is None:
            directory = self.crypto.root / "ca-registrar"
            cert, key = directory / "cert.pem", directory / "key.pem"
            if not (cert.exists() and key.exists()):
                enrolled = self.client.enroll(ca.REGISTRAR, ca.registrar_secret(self.layout, self.org))
                directory.mkdir(parents=True, exist_ok=True)
                cert.write_bytes(enrolled.certificate)
                key.write_bytes(enrolled.private_key)
                key.chmod(0o600)
            self._registrar = Credentials(cert.read_bytes(), key.read_bytes())
        return self._registrar

    def register(self, name: str, *, type: str = "client", attributes: dict[str, str] | None = None,
                 secret: str | None = None) -> str:
        """Registers `name`, or replaces the registration of an existing identity (so a re-run
        converges on what was asked); returns the enrolment secret."""
        secret = secret or secrets.token_urlsafe(18)
        self.client.register_or_replace(self.registrar(),
                                        Registration(name, type, self.affiliation, dict(attributes or {}), secret))
        return secret

    def enroll(self, name: str, secret: str) -> EnrolledUser:
        return EnrolledUser(name, self.org.msp_id, self.client.enroll(name, secret), secret)

    def create(self, name: str, *, type: str = "client", attributes: dict[str, str] | None = None,
               secret: str | None = None, msp_dir: Path | None = None, write_msp: bool = True,
               wallet: FileWallet | None = None) -> EnrolledUser:
        """Registers and enrolls a user; writes its MSP directory (default
        crypto/<Org>/users/<name>/msp, where our tooling and tests look up users) and, if given,
        a wallet entry labelled `name`."""
        secret = self.register(name, type=type, attributes=attributes, secret=secret)
        try:
            user = self.enroll(name, secret)
        except CAError as exc:
            # The secret was just set, so a refusal here means the CA will not enrol this name.
            raise CAError(f"{exc} (was {name} revoked? A revoked identity cannot enrol again: "
                          "choose another name)", exc.status, exc.code) from None
        if write_msp:
            self.write_msp(user, msp_dir or self.crypto.user_dir(name) / "msp")
        if wallet is not None:
            wallet.put(name, user.wallet_entry())
        return user

    def write_msp(self, user: EnrolledUser, msp_dir: Path) -> Path:
        """A local MSP directory as fabric-ca-client writes it (signcerts/, keystore/), with the
        organisation's CA certificates and NodeOUs configuration."""
        for entry in _MSP_BASE:
            source = self.crypto.root / "msp" / entry
            if source.is_dir():
                shutil.copytree(source, msp_dir / entry, dirs_exist_ok=True)
            else:
                shutil.copyfile(source, msp_dir / entry)
        for sub, name, data in (("signcerts", "cert.pem", user.certificate),
                                ("keystore", "priv_sk", user.private_key)):
            (msp_dir / sub).mkdir(parents=True, exist_ok=True)
            (msp_dir / sub / name).write_bytes(data)
        (msp_dir / "keystore" / "priv_sk").chmod(0o600)
        return msp_dir

    def identity(self, name: str) -> dict | None:
        """The CA's registration record of `name` (type, affiliation, attrs), or None."""
        return self.client.identity(self.registrar(), name)

    def revoke(self, name: str, reason: str = "") -> bytes:
        """Revokes every certificate of `name`; returns the CA's CRL (PEM), also written to the
        organisation's MSP directory. Revoking an already revoked user returns the CRL again."""
        try:
            crl = self.client.revoke(self.registrar(), name, reason)
        except CAError as exc:
            if exc.code not in _ALREADY_REVOKED:
                raise
            crl = self.client.crl(self.registrar())
        self.save_crl(crl)
        return crl

    def crl(self) -> bytes:
        """The CA's current CRL (PEM)."""
        return self.client.crl(self.registrar())

    def save_crl(self, crl: bytes) -> Path:
        path = self.crypto.root / "msp" / "crls" / "crl.pem"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(crl)
        return path
