"""The one place where failures from Fabric (and anything unforeseen) become API errors.

Chaincode refusals arrive inside endorser messages as "CODE: message" (the gateway wraps them as
"chaincode response 500, CODE: message"); the code becomes the API's code, its status comes from
`chaincode_codes`. The rest follows the gRPC status and the stage that failed.
"""
from __future__ import annotations

import logging
import re
import sqlite3

import grpc

from grootboek.client import (
    ChaincodeEventsError,
    CommitError,
    CommitStatusError,
    EndorseError,
    EvaluateError,
    GatewayError,
    SubmitError,
)
from grootboek.client.retry import is_endorsement_mismatch, submit_was_not_ordered

from ..readmodel.backends import DatabaseUnavailable
from . import chaincode_codes
from .api_error import ApiError, Disposition

logger = logging.getLogger(__name__)

_CHAINCODE_REFUSAL = re.compile(r"chaincode response \d+, ([A-Z][A-Z0-9_]*): (.*)", re.DOTALL)
_BARE_REFUSAL = re.compile(r"^([A-Z][A-Z0-9_]{2,}): (.*)$", re.DOTALL)

# The gateway reports names it does not know (a channel, a chaincode) as UNAVAILABLE or
# FAILED_PRECONDITION: the caller's mistake, not an outage.
_UNKNOWN_NAMES: tuple[tuple[re.Pattern[str], int, str], ...] = (
    (re.compile(r"(?:failed to get config|could not get last config) for channel|"
                r"channel \S+ (?:not found|does not exist)"), 404, "CHANNEL_NOT_FOUND"),
    (re.compile(r"No metadata was found for chaincode|chaincode \S+ (?:not found|is not installed)"),
     404, "CHAINCODE_NOT_FOUND"),
    # Names the caller chose as endorsers; an organisation whose peers are all down reads the same.
    (re.compile(r"failed to find any endorsing peers for org"), 422, "NO_ENDORSERS_FOR_ORGANIZATIONS"),
    (re.compile(r"retry specifying endorsing organization"), 422, "ENDORSING_ORGANIZATIONS_REQUIRED"),
)

_RETRYABLE_COMMIT = frozenset({"MVCC_READ_CONFLICT", "PHANTOM_READ_CONFLICT"})

# A peer refusing the caller's identity says only this much (it tells a caller nothing about its
# certificate); the gateway finds out why (fabric/refusals.py).
_IDENTITY_REFUSED = re.compile(r"access denied: channel \[([^\]]*)\] creator org (?:\[([^\]]*)\]|unknown)")
IDENTITY_REFUSED = "IDENTITY_REFUSED"

# The gateway's own database failing: the code that names it, what the SQLite message says.
_DATABASE: tuple[tuple[int, str, tuple[str, ...], str], ...] = (
    (503, "DATABASE_READ_ONLY", ("readonly", "read-only"), "the gateway's database cannot be written"),
    (503, "DATABASE_DAMAGED", ("malformed", "not a database", "corrupt"), "the gateway's database is damaged"),
    (503, "DATABASE_BUSY", ("locked", "busy"), "the gateway's database is busy"),
    (503, "DATABASE_UNAVAILABLE", ("disk", "unable to open", "no such table"),
     "the gateway's database is unavailable"),
)
_DATABASE_OTHER = (503, "DATABASE_ERROR", (), "the gateway's database failed")

# What an unknown outcome's gRPC status says happened.
_LOST = {grpc.StatusCode.UNAVAILABLE: "the connection was lost",
         grpc.StatusCode.DEADLINE_EXCEEDED: "it timed out",
         grpc.StatusCode.CANCELLED: "the call was cancelled"}

# gRPC statuses of a failed evaluate/endorse (nothing was submitted, so a repeat is safe).
_BY_GRPC: dict[grpc.StatusCode, tuple[int, str]] = {
    grpc.StatusCode.UNAVAILABLE: (503, "PEER_UNAVAILABLE"),
    grpc.StatusCode.DEADLINE_EXCEEDED: (504, "TIMEOUT"),
    grpc.StatusCode.PERMISSION_DENIED: (403, "ACCESS_DENIED"),
    grpc.StatusCode.UNAUTHENTICATED: (403, "ACCESS_DENIED"),
    grpc.StatusCode.NOT_FOUND: (404, "NOT_FOUND"),
    grpc.StatusCode.INVALID_ARGUMENT: (400, "INVALID_ARGUMENT"),
    grpc.StatusCode.FAILED_PRECONDITION: (503, "ENDORSEMENT_UNAVAILABLE"),
    grpc.StatusCode.RESOURCE_EXHAUSTED: (503, "PEER_UNAVAILABLE"),
}


def chaincode_refusal(error: GatewayError) -> tuple[str, str] | None:
    """(code, message) of the chaincode's refusal carried by `error`, if it is one."""
    texts = [detail.message for detail in error.details] + [error.message]
    for text in texts:
        if match := _CHAINCODE_REFUSAL.search(text):
            return match[1], match[2].strip()
    for text in texts:
        if match := _BARE_REFUSAL.match(text.strip()):
            return match[1], match[2].strip()
    return None


def to_api_error(exc: BaseException) -> ApiError:
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, CommitError):
        retry = exc.validation_code_name in _RETRYABLE_COMMIT
        return ApiError(409, exc.validation_code_name,
                        f"the transaction was ordered but is invalid: {exc.validation_code_name}"
                        + (" (a concurrent change won; try again)" if retry else ""),
                        transaction_id=exc.transaction_id,
                        disposition=Disposition.RETRY if retry else Disposition.FINAL)
    if isinstance(exc, CommitStatusError):
        return _outcome_unknown(exc, "asking the peer for the commit status failed")
    if isinstance(exc, SubmitError):
        if submit_was_not_ordered(exc):
            return _by_grpc(exc, Disposition.RETRY, default=(502, "ORDERER_REFUSED"))
        return _outcome_unknown(exc, "sending the transaction to the orderers failed")
    if isinstance(exc, (EvaluateError, EndorseError)) and (refused := _identity_refused(exc)):
        return refused
    if isinstance(exc, (EvaluateError, EndorseError)):
        return _proposal_error(exc)
    if isinstance(exc, ChaincodeEventsError):
        return _by_grpc(exc, Disposition.RETRY, default=(503, "PEER_UNAVAILABLE"))
    if isinstance(exc, GatewayError):
        return _by_grpc(exc, Disposition.RETRY, default=(503, "PEER_UNAVAILABLE"))
    if isinstance(exc, sqlite3.Error):
        return database_error(exc)
    if isinstance(exc, DatabaseUnavailable):
        logger.warning("read model database unavailable", extra={"error": str(exc)})
        return ApiError(503, "DATABASE_UNAVAILABLE", "the read model's database cannot be reached; the reports "
                        "return when it is back (the rest of the gateway works meanwhile)",
                        disposition=Disposition.RETRY, headers={"Retry-After": "5"})
    logger.error("unexpected failure", exc_info=exc)
    return ApiError(500, "INTERNAL", "the gateway failed unexpectedly; the error is logged",
                    disposition=Disposition.UNKNOWN)


def _proposal_error(exc: EvaluateError | EndorseError) -> ApiError:
    refusal = chaincode_refusal(exc)
    if refusal is not None:
        code, message = refusal
        if code == "INTERNAL":  # the chaincode itself failed: the fault is upstream, not the caller's
            return ApiError(502, "CHAINCODE_FAILURE", message, transaction_id=exc.transaction_id,
                            disposition=Disposition.RETRY)
        return ApiError(chaincode_codes.http_status(code), code, message,
                        transaction_id=exc.transaction_id)
    if isinstance(exc, EndorseError) and is_endorsement_mismatch(exc):
        return ApiError(409, "ENDORSEMENT_MISMATCH",
                        "endorsing peers disagreed (a concurrent change); try again",
                        transaction_id=exc.transaction_id, disposition=Disposition.RETRY)
    return _by_grpc(exc, Disposition.RETRY, default=(502, "ENDORSEMENT_FAILED"))


def _by_grpc(exc: GatewayError, disposition: Disposition, default: tuple[int, str]) -> ApiError:
    status, code = _BY_GRPC.get(exc.code, default) if exc.code else default
    for pattern, known_status, known_code in _UNKNOWN_NAMES:
        if pattern.search(exc.message):
            status, code = known_status, known_code
    details = "; ".join(str(detail) for detail in exc.details)
    message = exc.message + (f" ({details})" if details else "")
    return ApiError(status, code, message, transaction_id=exc.transaction_id, disposition=disposition,
                    headers={"Retry-After": "1"} if status == 503 else None)


def database_error(exc: sqlite3.Error) -> ApiError:
    """503 with a code naming what is wrong with the database (never a generic 500)."""
    text = str(exc).lower()
    status, code, _, what = next((entry for entry in _DATABASE if any(marker in text for marker in entry[2])),
                                 _DATABASE_OTHER)
    logger.error("database failure", extra={"code": code, "error": str(exc)})
    return ApiError(status, code, f"{what} ({exc}); the operator is told by /health/ready",
                    disposition=Disposition.UNKNOWN, headers={"Retry-After": "5"})


def _identity_refused(exc: GatewayError) -> ApiError | None:
    for text in [exc.message, *(detail.message for detail in exc.details)]:
        if match := _IDENTITY_REFUSED.search(text):
            return ApiError(403, IDENTITY_REFUSED,
                            f"the peer refused this user's Fabric identity on channel {match[1]}: its "
                            "certificate is revoked, expired or not issued by its organisation's CA",
                            transaction_id=exc.transaction_id, disposition=Disposition.RETRY)
    return None


def _outcome_unknown(exc: GatewayError, what: str) -> ApiError:
    happened = (_LOST.get(exc.code) if exc.code else None) or exc.message
    return ApiError(504, "OUTCOME_UNKNOWN",
                    f"{what} ({happened}); the transaction may still commit: repeat the request with the "
                    f"same Idempotency-Key to settle it, or ask GET .../transactions/{exc.transaction_id}",
                    transaction_id=exc.transaction_id, disposition=Disposition.UNKNOWN)
