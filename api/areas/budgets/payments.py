"""Payments, checks before paying, and refunds at a shop's till, as that shop's own identity."""
from __future__ import annotations

import hashlib

from grootboek.chaincode.budgets.domain.payment import Payment, PaymentCheck

from ...auth.roles import Role
from ...auth.user import User
from ...fabric.calls import Chaincode, ChaincodeCall
from ...errors import ApiError
from ...errors.catalog import CHECK_LIMIT, PAYMENT_CANCELLED
from ...routing import Routes
from ..common import READ_ERRORS, WRITE_ERRORS
from .limits import AttemptLimiter
from .models import PaymentRequest, Quantity

CHECKS_PER_CODE = 3
"""A shop may check one code this often: enough for a corrected amount, too few to find the
balance by trying amounts. Counted for a code's longest life (24 hours)."""


def add(routes: Routes, budgets: Chaincode) -> None:
    merchant = {Role.MERCHANT}

    @routes.post("/payments", body=PaymentRequest, response=Payment, status=201, roles=merchant,
                 responses=WRITE_ERRORS, own_codes=(PAYMENT_CANCELLED,),
                 summary="Take a payment with the holder's payment code")
    def pay(user: User, body: PaymentRequest) -> ChaincodeCall:
        """The shop is the caller's own merchant: its certificate identity is what the chaincode
        checks. Send an Idempotency-Key so a till's retry never pays twice. A payment whose outcome
        stays unknown is settled by cancelling its code, as the same shop (409 PAYMENT_CANCELLED)."""
        cancel = budgets.write("Budgets:cancel_code", body.budget(), body.code)
        return budgets.write("Budgets:pay", body.budget(), body.amount, body.category, body.code, fence=cancel)

    checks = AttemptLimiter(CHECKS_PER_CODE, 24 * 3600)

    @routes.post("/payment-checks", body=PaymentRequest, response=PaymentCheck, roles=merchant,
                 responses=(404, 409, 429, 503), idempotent=False, own_codes=(CHECK_LIMIT,),
                 summary="Check a code before paying: would this amount be paid? (never the balance)")
    def check_payment(user: User, body: PaymentRequest) -> ChaincodeCall:
        """The answer `pay` would give now, nothing recorded: 200 `fits`, or the refusal's code.
        At most 3 checks per code (429 CHECK_LIMIT)."""
        if not checks.take(hashlib.sha256(body.code.encode()).hexdigest()):
            raise ApiError(429, CHECK_LIMIT.code, f"this code was checked {CHECKS_PER_CODE} times; pay or ask for "
                                               "a new code")
        return budgets.read("Budgets:check_payment", body.budget(), body.amount, body.category, body.code)

    @routes.get("/payments/<payment_id>", response=Payment, roles={Role.MERCHANT, Role.OFFICER},
                responses=READ_ERRORS, summary="A payment (its merchant, or an officer)")
    def get_payment(user: User, payment_id: str) -> ChaincodeCall:
        return budgets.read("Budgets:get_payment", payment_id)

    @routes.post("/payments/<payment_id>/refunds", body=Quantity, response=Payment, roles=merchant,
                 responses=WRITE_ERRORS, summary="Refund (part of) a payment the caller's shop took")
    def refund(user: User, payment_id: str, body: Quantity) -> ChaincodeCall:
        return budgets.write("Budgets:refund", payment_id, body.amount)
