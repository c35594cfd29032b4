"""Settlements: the municipality pays a merchant's open receivables; the merchant confirms."""
from __future__ import annotations

from grootboek.chaincode.budgets.domain.settlement import Settlement

from ...auth.roles import Role
from ...auth.user import User
from ...fabric.calls import Chaincode, ChaincodeCall
from ...routing import Routes
from ..common import READ_ERRORS, WRITE_ERRORS
from .models import SettlementRequest



def add(routes: Routes, budgets: Chaincode) -> None:
    @routes.post("/settlements", body=SettlementRequest, response=Settlement, status=201,
                 roles={Role.OFFICER}, responses=WRITE_ERRORS,
                 summary="Settle a merchant's open receivables in a scheme")
    def settle(user: User, body: SettlementRequest) -> ChaincodeCall:
        return budgets.write("Budgets:settle", body.scheme_id, body.merchant_id, body.bank_reference)

    @routes.get("/settlements/<settlement_id>", response=Settlement, roles={Role.MERCHANT, Role.OFFICER},
                responses=READ_ERRORS, summary="A settlement")
    def get_settlement(user: User, settlement_id: str) -> ChaincodeCall:
        return budgets.read("Budgets:get_settlement", settlement_id)

    @routes.post("/settlements/<settlement_id>/confirm", response=Settlement, roles={Role.MERCHANT},
                 responses=WRITE_ERRORS, summary="The settled merchant confirms receipt")
    def confirm_settlement(user: User, settlement_id: str) -> ChaincodeCall:
        return budgets.write("Budgets:confirm_settlement", settlement_id)
