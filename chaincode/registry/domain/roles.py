"""Who may do what: organisations (by MSP id) and the `role` attribute in their users' certificates."""

from __future__ import annotations

from grootboek.chaincode.contractapi.tx import Caller

from .errors import ErrorCode, RegistryError

REGISTRY_MSP = "RegistryMSP"  # the land registry (Kadaster)
MUNICIPALITY_MSP = "MunicipalityMSP"  # the municipality (gemeente)
REGISTRAR_ROLE = "registrar"
OFFICER_ROLE = "officer"


def is_registrar(caller: Caller) -> bool:
    return caller.msp_id == REGISTRY_MSP and caller.role == REGISTRAR_ROLE


def is_officer(caller: Caller) -> bool:
    return caller.msp_id == MUNICIPALITY_MSP and caller.role == OFFICER_ROLE


def require_registrar(caller: Caller) -> None:
    if not is_registrar(caller):
        raise RegistryError(
            ErrorCode.NOT_REGISTRY,
            f"only a {REGISTRY_MSP} user with role '{REGISTRAR_ROLE}' may do this "
            f"(caller: {caller.msp_id}, role {caller.role!r})",
        )


def require_officer(caller: Caller) -> None:
    if not is_officer(caller):
        raise RegistryError(
            ErrorCode.FORBIDDEN,
            f"only a {MUNICIPALITY_MSP} user with role '{OFFICER_ROLE}' may do this "
            f"(caller: {caller.msp_id}, role {caller.role!r})",
        )


def require_statement_submitter(caller: Caller) -> None:
    """Parties' signed statements reach the ledger through a registrar (e.g. for a notary) or an officer."""
    if not (is_registrar(caller) or is_officer(caller)):
        raise RegistryError(
            ErrorCode.FORBIDDEN,
            f"signed statements are submitted by a registrar or a municipality officer "
            f"(caller: {caller.msp_id}, role {caller.role!r})",
        )
