"""HTTP statuses of the chaincodes' refusal codes ("CODE: message" from an endorser).

The registry publishes its table (`grootboek.chaincode.registry.domain.errors.ErrorCode`); the budgets
chaincode publishes codes only, so their statuses are decided here: 409 when the state of the ledger
stands in the way, 422 when the request can never succeed as given.
"""
from __future__ import annotations

from grootboek.chaincode.registry.domain.errors import ErrorCode as RegistryCode

BUDGETS = {
    "INVALID_ARGUMENT": 400,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "INVALID_STATE": 409,
    "SCHEME_NOT_OPEN": 409,
    "SCHEME_CLOSED": 409,
    "OUTSIDE_PERIOD": 409,
    "MERCHANT_NOT_ADMITTED": 409,
    "MERCHANT_SUSPENDED": 409,
    "CATEGORY_NOT_ALLOWED": 422,
    "AMOUNT_ABOVE_MAXIMUM": 422,
    "CATEGORY_CAP_EXCEEDED": 422,
    "INSUFFICIENT_BALANCE": 422,
    "BUDGET_REVOKED": 409,
    "BUDGET_EXPIRED": 409,
    "CODE_INVALID": 422,
    "CODE_EXPIRED": 422,
    "CODE_REPLAYED": 409,
    "REFUND_EXCEEDS_PAYMENT": 422,
    "NOTHING_TO_SETTLE": 409,
}

SHIM = {
    "INVALID_ARGUMENT": 400,  # an argument the shim could not convert to its parameter's type
    "UNKNOWN_TRANSACTION": 404,  # no such function in the chaincode
    "ACCESS_DENIED": 403,
}

STATUSES: dict[str, int] = {**SHIM, **BUDGETS, **{code.value: code.http_status for code in RegistryCode}}

UNLISTED = 422
"""A code no table lists (another chaincode's, via the generic endpoints): a refusal all the same."""


def http_status(code: str) -> int:
    return STATUSES.get(code, UNLISTED)
