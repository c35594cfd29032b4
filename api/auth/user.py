"""A gateway user: a Fabric identity in the organisation's wallet, with gateway roles."""
from __future__ import annotations

from dataclasses import dataclass

from .roles import Role


@dataclass(frozen=True)
class User:
    name: str
    """Also the identity's wallet label."""
    msp_id: str
    roles: frozenset[Role]
    certificate_sha256: str
    """Digest of the identity's certificate: connections are cached per identity version."""
    merchant: str | None = None
    """For role `merchant`: the merchant id this user's till acts as (and only as)."""
    tls_cert_sha256: str | None = None
    """Digest (DER) of the client certificate that authenticates this user by mutual TLS."""

    def has_any(self, roles: frozenset[Role]) -> bool:
        return bool(self.roles & roles)
