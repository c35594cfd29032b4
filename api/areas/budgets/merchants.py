"""Merchants (winkeliers): registered by the merchants' registrar; a shop reads its statement."""
from __future__ import annotations

from grootboek.chaincode.budgets.domain.merchant import Merchant
from grootboek.chaincode.budgets.domain.merchant_entry import MerchantEntry
from grootboek.chaincode.budgets.domain.pages import Page

from ...auth.roles import Role
from ...auth.user import User
from ...fabric.calls import Chaincode, ChaincodeCall
from ...routing import Routes
from ..common import ANYONE, READ_ERRORS, WRITE_ERRORS, PageQuery
from .access import require_merchant_or_officer
from .models import MerchantCreation, StatementQuery

MERCHANT = "/merchants/<merchant_id>"


def add(routes: Routes, budgets: Chaincode) -> None:
    registrar = {Role.MERCHANT_REGISTRAR}

    @routes.post("/merchants", body=MerchantCreation, response=Merchant, status=201, roles=registrar,
                 responses=WRITE_ERRORS, summary="Register a shop, bound to its own certificate identity")
    def register_merchant(user: User, body: MerchantCreation) -> ChaincodeCall:
        """`registration.identity` is the shop's Fabric id (what GET /v1/me shows the shop's user)."""
        return budgets.write("Budgets:register_merchant", body.id, body.registration)

    @routes.get("/merchants", query=PageQuery, response=Page[Merchant], roles=ANYONE, responses=READ_ERRORS,
                summary="Every registered shop, by id")
    def list_merchants(user: User, query: PageQuery) -> ChaincodeCall:
        return budgets.read("Budgets:list_merchants", query.page_size, query.bookmark)

    @routes.get(MERCHANT, response=Merchant, roles=ANYONE, responses=READ_ERRORS, summary="A merchant")
    def get_merchant(user: User, merchant_id: str) -> ChaincodeCall:
        return budgets.read("Budgets:get_merchant", merchant_id)

    @routes.post(MERCHANT + "/suspend", response=Merchant, roles=registrar, responses=WRITE_ERRORS,
                 summary="Suspend a merchant: no payments until reinstated")
    def suspend_merchant(user: User, merchant_id: str) -> ChaincodeCall:
        return budgets.write("Budgets:suspend_merchant", merchant_id)

    @routes.post(MERCHANT + "/reinstate", response=Merchant, roles=registrar, responses=WRITE_ERRORS,
                 summary="Reinstate a suspended merchant")
    def reinstate_merchant(user: User, merchant_id: str) -> ChaincodeCall:
        return budgets.write("Budgets:reinstate_merchant", merchant_id)

    @routes.get(MERCHANT + "/statement", query=StatementQuery, response=Page[MerchantEntry],
                roles={Role.MERCHANT, Role.OFFICER}, responses=READ_ERRORS,
                summary="The merchant's statement lines, of every day or one, oldest or newest first")
    def merchant_statement(user: User, merchant_id: str, query: StatementQuery) -> ChaincodeCall:
        require_merchant_or_officer(user, merchant_id)
        return budgets.read("Budgets:merchant_statement", merchant_id, query.page_size, query.bookmark,
                            query.day.isoformat() if query.day else "", query.newest_first)
