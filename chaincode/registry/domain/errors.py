"""Every error the registry chaincode reports, in one place.

A refusal reaches the client as "CODE: message"; the codes are stable because the REST gateway passes
them on as its own error codes (with the HTTP status given here). A refused transaction changes
nothing: every rule is checked before the first write.
"""

from __future__ import annotations

from enum import StrEnum

from grootboek.chaincode.contractapi.errors import ContractError


class ErrorCode(StrEnum):
    """A stable error code, with what it means and the HTTP status the REST gateway should use."""

    description: str
    http_status: int

    def __new__(cls, code: str, http_status: int, description: str) -> ErrorCode:
        member = str.__new__(cls, code)
        member._value_ = code
        member.http_status = http_status
        member.description = description
        return member

    INVALID_ARGUMENT = (
        "INVALID_ARGUMENT",
        400,
        "An argument is malformed or inconsistent (designation, share, page size, geometry, "
        "bookmark, unexpected or duplicate signer, ...).",
    )
    NOT_FOUND = (
        "NOT_FOUND",
        404,
        "The parcel, party, transfer, mortgage, right, attachment or personal data does not exist.",
    )
    ALREADY_EXISTS = (
        "ALREADY_EXISTS",
        409,
        "A parcel with this designation is already registered, or the parcel already has a "
        "pre-emption right in force.",
    )
    NOT_REGISTRY = (
        "NOT_REGISTRY",
        403,
        "Only a registrar of the land registry (RegistryMSP, attribute role=registrar) may do this.",
    )
    FORBIDDEN = (
        "FORBIDDEN",
        403,
        "The caller's organisation or role may not do this (e.g. only a municipality officer "
        "registers pre-emption rights; only the organisation that laid an attachment or the "
        "registry lifts it).",
    )
    NOT_OWNER = ("NOT_OWNER", 409, "A seller named in a transfer does not own a share of the parcel.")
    SHARES_DO_NOT_SUM = (
        "SHARES_DO_NOT_SUM",
        422,
        "Ownership shares would not sum to exactly 1 (or a transfer's buyers would not receive "
        "exactly the sellers' shares).",
    )
    AREA_MISMATCH = (
        "AREA_MISMATCH",
        422,
        "The areas of the parcels a split creates, or of the parcels a merge joins, do not add up.",
    )
    RIGHTS_DIFFER = (
        "RIGHTS_DIFFER",
        409,
        "Parcels can only be merged when their owners, shares and encumbrances are identical.",
    )
    PARCEL_RETIRED = (
        "PARCEL_RETIRED",
        409,
        "The parcel was split or merged; it is kept for its history but can no longer change.",
    )
    TRANSFER_PENDING = (
        "TRANSFER_PENDING",
        409,
        "The parcel has a transfer in progress; it cannot be transferred, split or merged until "
        "that transfer is recorded or cancelled.",
    )
    ATTACHED = ("ATTACHED", 409, "The parcel is under attachment (beslag) and cannot be transferred.")
    PREEMPTION_NOT_WAIVED = (
        "PREEMPTION_NOT_WAIVED",
        409,
        "The parcel carries a municipal pre-emption right (voorkeursrecht) and the municipality "
        "has not waived it for this transfer.",
    )
    RANK_TAKEN = ("RANK_TAKEN", 409, "The parcel already has a mortgage with this rank.")
    INVALID_STATE = (
        "INVALID_STATE",
        409,
        "The transfer is not at the step this action needs (e.g. recording before the buyers "
        "accepted, accepting a cancelled transfer), or there is nothing to waive.",
    )
    MISSING_SIGNATURE = (
        "MISSING_SIGNATURE",
        422,
        "A party whose signed statement the action needs (seller, buyer, owner, holder, lender) "
        "did not sign.",
    )
    BAD_SIGNATURE = (
        "BAD_SIGNATURE",
        422,
        "A signature does not verify against the party's registered key and the statement.",
    )
    REPLAYED = (
        "REPLAYED",
        409,
        "The statement's nonce was already used by this party: every signed statement counts once.",
    )


class RegistryError(ContractError):
    """A refusal by a registry rule; being a ContractError, it reaches the client as "CODE: message"."""

    code: ErrorCode  # raised with a code of this chaincode's table
