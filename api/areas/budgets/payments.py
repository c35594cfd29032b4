"""Payments and refunds at a shop's till, as that shop's own identity."""
from __future__ import annotations

from grootboek.chaincode.budgets.domain.payment import Payment

from ...auth.roles import Role
from ...auth.user import User
from ...fabric.calls import Chaincode, ChaincodeCall
from ...routing import Routes
from ..common import READ_ERRORS, WRITE_ERRORS
from .models import PaymentRequest, Quantity



def add(routes: Routes, budgets: Chaincode) -> None:
    merchant = {Role.MERCHANT}

    @routes.post("/payments", body=PaymentRequest, response=Payment, status=201, roles=merchant,
                 responses=WRITE_ERRORS, summary="Take a payment with the holder's payment code")
    def pay(user: User, body: PaymentRequest) -> ChaincodeCall:
        """The shop is the caller's own merchant: its certificate identity is what the chaincode
        checks. Send an Idempotency-Key so a till's retry never pays twice."""
        return budgets.write("Budgets:pay", body.budget_id, body.amount, body.category, body.code)

    @routes.get("/payments/<payment_id>", response=Payment, roles={Role.MERCHANT, Role.OFFICER},
                responses=READ_ERRORS, summary="A payment (its merchant, or an officer)")
    def get_payment(user: User, payment_id: str) -> ChaincodeCall:
        return budgets.read("Budgets:get_payment", payment_id)

    @routes.post("/payments/<payment_id>/refunds", body=Quantity, response=Payment, roles=merchant,
                 responses=WRITE_ERRORS, summary="Refund (part of) a payment the caller's shop took")
    def refund(user: User, payment_id: str, body: Quantity) -> ChaincodeCall:
        return budgets.write("Budgets:refund", payment_id, body.amount)
