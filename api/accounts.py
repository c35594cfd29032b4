"""Managing the gateway's users and tokens in its data dir: what the admin commands do, with or
without a running gateway (the gateway reads the database on every request)."""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, replace
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding

from grootboek.chaincode.shim.identity import ClientIdentity
from grootboek.client import FileWallet, WalletEntry, X509Identity
from grootboek.client.identity import msp_directory, serialized_identity

from .auth.roles import Role, roles_from_certificate
from .auth.user import User
from .config import ApiConfig
from .fabric.identity import fabric_id
from .services import wallet
from .store.database import Database
from .store.tokens import Tokens
from .store.users import UnknownUser, Users

ROLE_ATTRIBUTE = "role"


class AccountError(ValueError):
    """An admin command cannot be carried out as asked; the message says why."""


@dataclass(frozen=True)
class Accounts:
    users: Users
    tokens: Tokens
    wallet: FileWallet
    msp_id: str
    organization: str = ""
    msp_ca: x509.Certificate | None = None
    """The organisation's identity CA; None: identities are taken on trust (the peers still check)."""

    @classmethod
    def open(cls, config: ApiConfig) -> Accounts:
        database = Database(config.data_dir)
        msp_ca = None
        if config.msp_ca is not None:
            try:
                msp_ca = x509.load_pem_x509_certificate(config.msp_ca.read_bytes())
            except (OSError, ValueError) as exc:
                raise AccountError(f"msp_ca {config.msp_ca}: {exc}") from None
        return cls(Users(database), Tokens(database), wallet(config), config.msp_id, config.organization,
                   msp_ca)

    def import_identity(self, name: str, msp_dir: Path, roles: set[Role] | None = None,
                        merchant: str | None = None, tls_certificate: Path | None = None,
                        replace: bool = False) -> User:
        """Adds user `name` acting as the identity in an MSP directory (signcerts/, keystore/).
        Roles default to `reader` plus the certificate's `role` attribute."""
        try:
            certificate = msp_directory.signing_certificate(msp_dir)
            private_key = msp_directory.private_key(msp_dir)
        except OSError as exc:
            raise AccountError(f"{msp_dir}: {exc}") from None
        self._require_issued_by_own_ca(msp_dir, certificate)
        identity = X509Identity(self.msp_id, certificate)
        return self.add(name, WalletEntry(self.msp_id, certificate, private_key), roles, merchant,
                        tls_certificate, replace, identity)

    def add(self, name: str, entry: WalletEntry, roles: set[Role] | None, merchant: str | None,
            tls_certificate: Path | None, replace: bool, identity: X509Identity | None = None) -> User:
        identity = identity or entry.identity
        if roles is None:
            roles = roles_from_certificate(self.role_attribute(identity))
        if merchant is not None:
            roles = roles | {Role.MERCHANT}
        if Role.MERCHANT in roles and merchant is None:
            raise AccountError("a merchant user acts as one merchant: give its merchant id")
        user = User(name=name, msp_id=self.msp_id, roles=frozenset(roles),
                    certificate_sha256=hashlib.sha256(entry.certificate).hexdigest(), merchant=merchant,
                    tls_cert_sha256=None if tls_certificate is None else tls_fingerprint(tls_certificate))
        if not replace:
            there = self._existing(name)
            if there is not None and _same(there, user):
                return there  # adding what is there changes nothing, so a command can be re-run
            self.require_new(name)
        self.wallet.put(name, entry)
        self.users.add(user, replace=replace)
        return user

    def _require_issued_by_own_ca(self, msp_dir: Path, certificate: bytes) -> None:
        """An identity of another organisation would fail every call as if the network were down."""
        if self.msp_ca is None:
            return
        issued = x509.load_pem_x509_certificate(certificate)
        try:
            issued.verify_directly_issued_by(self.msp_ca)
        except (ValueError, TypeError, InvalidSignature):
            raise AccountError(
                f"{msp_dir} holds an identity issued by {issued.issuer.rfc4514_string()}, not by "
                f"{self.organization}'s CA ({self.msp_ca.subject.rfc4514_string()}): a {self.organization} "
                f"gateway's users must be {self.msp_id} identities (is it another organisation's?)") from None

    def _existing(self, name: str) -> User | None:
        try:
            return self.users.get(name)
        except UnknownUser:
            return None

    def require_new(self, name: str) -> None:
        if name in self.wallet or any(user.name == name for user in self.users.all()):
            raise AccountError(f"user {name} exists (replace it explicitly)")

    @staticmethod
    def role_attribute(identity: X509Identity) -> str | None:
        return ClientIdentity(serialized_identity(identity)).get_attribute_value(ROLE_ATTRIBUTE)

    def fabric_id(self, name: str) -> str:
        return fabric_id(self.wallet.get(name).identity)

    def replace_certificate(self, name: str, entry: WalletEntry) -> User:
        """The user acts with a renewed certificate from now on; roles and tokens stay."""
        user = replace(self.users.get(name), certificate_sha256=hashlib.sha256(entry.certificate).hexdigest())
        self.wallet.put(name, entry)
        self.users.add(user, replace=True)
        return user

    def remove(self, name: str) -> int:
        """How many of the user's tokens were active (none works any more)."""
        now = time.time()
        active = sum(token.active(now) for token in self.tokens.list(name))
        self.users.remove(name)
        self.wallet.remove(name)
        return active


def _same(there: User, asked: User) -> bool:
    """Whether a user is already as asked; a TLS certificate not asked for keeps the one it has."""
    return (there.msp_id, there.certificate_sha256, there.roles, there.merchant) == (
        asked.msp_id, asked.certificate_sha256, asked.roles, asked.merchant) and (
        asked.tls_cert_sha256 in (None, there.tls_cert_sha256))


def tls_fingerprint(path: Path) -> str:
    """SHA-256 of a PEM client certificate's DER form, as presented in a TLS handshake."""
    try:
        certificate = x509.load_pem_x509_certificate(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise AccountError(f"{path}: not a PEM certificate ({exc})") from None
    return hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest()

