"""Every way the budgets chaincode refuses an operation, in one place.

The codes are stable: clients and the REST gateway match on them. A refusal changes nothing on the
ledger (the transaction fails at endorsement). A `BudgetError` is a ContractError, so the contract
layer passes it on to the client as "CODE: message" from wherever it is raised.
"""
from __future__ import annotations

from enum import StrEnum

from grootboek.chaincode.contractapi.errors import ContractError


class ErrorCode(StrEnum):
    """A refusal code with a one-line description (the documentation of record)."""

    description: str

    def __new__(cls, value: str, description: str) -> "ErrorCode":
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    INVALID_ARGUMENT = "INVALID_ARGUMENT", "An argument is missing, malformed or out of range."
    FORBIDDEN = "FORBIDDEN", "The caller's organisation, role or identity may not do this."
    NOT_FOUND = "NOT_FOUND", "The scheme, merchant, budget, payment, settlement or record does not exist."
    ALREADY_EXISTS = "ALREADY_EXISTS", "An object with this id (or this beneficiary or shop identity) exists."
    INVALID_STATE = ("INVALID_STATE",
                     "The object's current state does not allow this (e.g. amending an open scheme).")
    SCHEME_NOT_OPEN = "SCHEME_NOT_OPEN", "The scheme is still a draft: no payments yet."
    SCHEME_CLOSED = "SCHEME_CLOSED", "The scheme is closed: no payments, issues or top-ups."
    OUTSIDE_PERIOD = ("OUTSIDE_PERIOD",
                      "The scheme's validity period has not started, or has ended (for issues and top-ups).")
    MERCHANT_NOT_ADMITTED = "MERCHANT_NOT_ADMITTED", "The merchant is not admitted to the budget's scheme."
    MERCHANT_SUSPENDED = "MERCHANT_SUSPENDED", "The merchant is suspended by the merchants' organisation."
    CATEGORY_NOT_ALLOWED = ("CATEGORY_NOT_ALLOWED",
                            "The category is not allowed by the scheme or not registered for the merchant.")
    AMOUNT_ABOVE_MAXIMUM = ("AMOUNT_ABOVE_MAXIMUM",
                            "The amount exceeds the scheme's maximum per payment or the code's limit.")
    CATEGORY_CAP_EXCEEDED = ("CATEGORY_CAP_EXCEEDED",
                             "The payment would exceed the scheme's cap for this category.")
    INSUFFICIENT_BALANCE = "INSUFFICIENT_BALANCE", "The budget's balance is lower than the amount."
    BUDGET_REVOKED = "BUDGET_REVOKED", "The budget was revoked by the municipality."
    BUDGET_EXPIRED = "BUDGET_EXPIRED", "The budget has expired (its scheme's period has ended)."
    CODE_INVALID = ("CODE_INVALID",
                    "The payment code or query token is malformed, not signed by the budget's key, "
                    "or for another budget, purpose or merchant.")
    CODE_EXPIRED = "CODE_EXPIRED", "The payment code or query token has expired."
    CODE_REPLAYED = "CODE_REPLAYED", "The payment code was already used (or cancelled by `cancel_code`)."
    REFUND_EXCEEDS_PAYMENT = "REFUND_EXCEEDS_PAYMENT", "The refund is more than what remains of the payment."
    NOTHING_TO_SETTLE = "NOTHING_TO_SETTLE", "The merchant has no positive open receivable in this scheme."


class BudgetError(ContractError):
    """A refused operation: a stable code and a message for humans."""

    code: ErrorCode  # raised with a code of this chaincode's table
