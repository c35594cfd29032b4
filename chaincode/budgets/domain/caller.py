"""Who is calling, and the roles the network grants.

Roles come from the `role` attribute of the caller's certificate. Each organisation's CA issues its
own attributes, so a role counts only together with the organisation that may grant it: an
"officer" certificate from the merchants' CA is not an officer.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import ErrorCode
from .fields import require

# Network facts fixed by the consortium (channel kindpakket).
MUNICIPALITY_MSPS = frozenset({"MunicipalityMSP"})
MERCHANTS_MSP = "MerchantsMSP"
ROLE_ATTRIBUTE = "role"  # the certificate attribute (Fabric CA attrs) that carries the role
OFFICER = "officer"
MERCHANT_REGISTRAR = "merchant-registrar"


@dataclass(frozen=True)
class Caller:
    """The transaction's creator: MSP id, Fabric id (x509::subject::issuer) and `role` attribute."""

    msp_id: str
    id: str
    role: str | None = None

    def is_officer_of(self, msp_id: str) -> bool:
        return self.msp_id == msp_id and self.msp_id in MUNICIPALITY_MSPS and self.role == OFFICER

    def require_officer_of(self, msp_id: str) -> None:
        """Only the owning municipality's officers (gemeente-ambtenaren) manage its schemes."""
        require(self.is_officer_of(msp_id), ErrorCode.FORBIDDEN,
                f"only an officer of {msp_id} may do this")

    def require_municipality_officer(self) -> str:
        """Any municipality's officer; returns the municipality (the MSP id)."""
        require(self.is_officer_of(self.msp_id), ErrorCode.FORBIDDEN,
                "only a municipality officer may do this")
        return self.msp_id

    def require_merchant_registrar(self) -> None:
        require(self.msp_id == MERCHANTS_MSP and self.role == MERCHANT_REGISTRAR, ErrorCode.FORBIDDEN,
                f"only a {MERCHANT_REGISTRAR} of {MERCHANTS_MSP} may do this")
