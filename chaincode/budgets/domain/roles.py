"""The roles the network grants, and who may do what with them.

Roles come from the `role` attribute of the caller's certificate. Each organisation's CA issues its
own attributes, so a role counts only together with the organisation that may grant it: an
"officer" certificate from the merchants' CA is not an officer.
"""
from __future__ import annotations

from grootboek.chaincode.contractapi.tx import Caller

from .errors import ErrorCode
from .fields import require

# Network facts fixed by the consortium (channel kindpakket).
MUNICIPALITY_MSPS = frozenset({"MunicipalityMSP"})
MERCHANTS_MSP = "MerchantsMSP"
OFFICER = "officer"
MERCHANT_REGISTRAR = "merchant-registrar"


def is_officer_of(caller: Caller, msp_id: str) -> bool:
    return caller.msp_id == msp_id and caller.msp_id in MUNICIPALITY_MSPS and caller.role == OFFICER


def require_officer_of(caller: Caller, msp_id: str) -> None:
    """Only the owning municipality's officers (gemeente-ambtenaren) manage its schemes."""
    require(is_officer_of(caller, msp_id), ErrorCode.FORBIDDEN, f"only an officer of {msp_id} may do this")


def require_member_of(caller: Caller, msp_id: str) -> None:
    """Any identity of that municipality (its gateway acting for a resident, say)."""
    require(caller.msp_id == msp_id and caller.msp_id in MUNICIPALITY_MSPS, ErrorCode.FORBIDDEN,
            f"only {msp_id} may do this")


def require_municipality_officer(caller: Caller) -> str:
    """Any municipality's officer; returns the municipality (the MSP id)."""
    require(is_officer_of(caller, caller.msp_id), ErrorCode.FORBIDDEN, "only a municipality officer may do this")
    return caller.msp_id


def require_merchant_registrar(caller: Caller) -> None:
    require(caller.msp_id == MERCHANTS_MSP and caller.role == MERCHANT_REGISTRAR, ErrorCode.FORBIDDEN,
            f"only a {MERCHANT_REGISTRAR} of {MERCHANTS_MSP} may do this")
