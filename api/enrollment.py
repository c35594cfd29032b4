"""New users enrolled at the organisation's Fabric CA (the `ca:` section of the configuration),
with attributes such as `role` written into their enrolment certificates, where chaincode reads
them; and their certificates renewed there before they expire."""
from __future__ import annotations

import secrets

from grootboek.client import WalletEntry
from grootboek.network.admin.ca_client import CAError, Credentials, FabricCAClient, Registration

from .accounts import AccountError
from .config import ApiConfig


def enroll(config: ApiConfig, name: str, attributes: dict[str, str]) -> WalletEntry:
    """Registers `name` (or updates its registration) and enrols a fresh key pair for it."""
    ca = config.ca
    if ca is None or ca.tls_ca is None or ca.registrar_secret_file is None:
        raise AccountError("enrolling needs the configuration's ca section "
                           "(url, tls_ca, registrar_secret_file)")
    client = FabricCAClient(ca.url, ca.tls_ca, ca.ca_name)
    try:
        registrar = client.enroll(ca.registrar, ca.registrar_secret_file.read_text().strip())
        # Our CA configuration declares one affiliation per organisation: its lower-case name.
        registration = Registration(name, "client", config.organization.lower(), attributes,
                                    secrets.token_urlsafe(18))
        if client.identity(registrar, name) is None:
            client.register(registrar, registration)
        else:
            client.modify(registrar, registration)
        credentials = client.enroll(name, registration.secret or "")
    except (CAError, OSError) as exc:
        raise AccountError(f"enrolment of {name} failed: {exc}") from None
    return WalletEntry(config.msp_id, credentials.certificate, credentials.private_key)


def reenroll(config: ApiConfig, name: str, current: WalletEntry) -> WalletEntry:
    """A new certificate and key for `name`, from the CA that enrolled it, authenticated by its
    current certificate (which must still be valid): the registered attributes are kept."""
    ca = config.ca
    if ca is None or ca.tls_ca is None:
        raise AccountError("renewing needs the configuration's ca section (url, tls_ca)")
    try:
        client = FabricCAClient(ca.url, ca.tls_ca, ca.ca_name)
        credentials = client.reenroll(Credentials(current.certificate, current.private_key))
    except CAError as exc:
        raise AccountError(f"renewing {name} failed: {exc} (an expired certificate cannot renew itself: "
                           f"enrol the user again with `grootboek api user enroll --replace {name}`)") from None
    return WalletEntry(current.msp_id, credentials.certificate, credentials.private_key)
