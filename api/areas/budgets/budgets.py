"""Budgets (tegoeden): issued, topped up, revoked and expired by officers; balance and history for
officers, or for anyone holding the holder's query token."""
from __future__ import annotations

from grootboek.chaincode.budgets.domain.balance import Balance
from grootboek.chaincode.budgets.domain.budget import Budget
from grootboek.chaincode.budgets.domain.budget_entry import BudgetEntry
from grootboek.chaincode.budgets.domain.pages import Page
from grootboek.chaincode.budgets.domain.personal_data import TRANSIENT_KEY, PersonalData

from ...auth.roles import Role
from ...auth.user import User
from ...fabric.calls import Chaincode, ChaincodeCall
from ...routing import Routes
from ..common import ANYONE, READ_ERRORS, WRITE_ERRORS
from .models import BudgetIssue, HistoryQuery, HolderQuery, Quantity

BUDGET = "/budgets/<budget_id>"


def add(routes: Routes, budgets: Chaincode) -> None:
    officer = {Role.OFFICER}

    @routes.post("/budgets", body=BudgetIssue, response=Budget, status=201, roles=officer,
                 responses=WRITE_ERRORS, summary="Issue a budget to a beneficiary (pseudonym)")
    def issue_budget(user: User, body: BudgetIssue) -> ChaincodeCall:
        return budgets.write("Budgets:issue_budget", body.id, body.scheme_id, body.beneficiary,
                             body.holder_key)

    @routes.post(BUDGET + "/top-ups", body=Quantity, response=Budget, roles=officer, responses=WRITE_ERRORS,
                 summary="Top up a budget")
    def top_up(user: User, budget_id: str, body: Quantity) -> ChaincodeCall:
        return budgets.write("Budgets:top_up", budget_id, body.amount)

    @routes.post(BUDGET + "/revoke", response=Budget, roles=officer, responses=WRITE_ERRORS,
                 summary="Revoke a budget; its balance returns to the municipality")
    def revoke_budget(user: User, budget_id: str) -> ChaincodeCall:
        return budgets.write("Budgets:revoke_budget", budget_id)

    @routes.post(BUDGET + "/expire", response=Budget, roles=officer, responses=WRITE_ERRORS,
                 summary="Expire a budget after its scheme ended")
    def expire_budget(user: User, budget_id: str) -> ChaincodeCall:
        return budgets.write("Budgets:expire_budget", budget_id)

    @routes.get(BUDGET + "/balance", query=HolderQuery, response=Balance, roles=ANYONE,
                responses=READ_ERRORS, summary="A budget's balance (officers, or with the holder's token)")
    def balance(user: User, budget_id: str, query: HolderQuery) -> ChaincodeCall:
        return budgets.read("Budgets:balance", budget_id, query.holder_token)

    @routes.get(BUDGET + "/history", query=HistoryQuery, response=Page[BudgetEntry], roles=ANYONE,
                responses=READ_ERRORS, summary="A budget's movements, oldest first")
    def history(user: User, budget_id: str, query: HistoryQuery) -> ChaincodeCall:
        return budgets.read("Budgets:history", budget_id, query.page_size, query.bookmark,
                            query.holder_token)

    @routes.put(BUDGET + "/personal-data", body=PersonalData, roles=officer, responses=WRITE_ERRORS,
                summary="Record the beneficiary's personal data (the municipality's peers only)")
    def record_personal_data(user: User, budget_id: str, body: PersonalData) -> ChaincodeCall:
        """Sent as transient input and endorsed by the officer's own organisation only, so it
        reaches its private collection and never the shared ledger or the idempotency records."""
        return budgets.write("Budgets:record_personal_data", budget_id,
                             transient={TRANSIENT_KEY: body.model_dump_json().encode()},
                             endorsing_organizations=(user.msp_id,))

    @routes.get(BUDGET + "/personal-data", response=PersonalData, roles=officer, responses=READ_ERRORS,
                audited=True, summary="The beneficiary's personal data (each view is audited)")
    def read_personal_data(user: User, budget_id: str) -> ChaincodeCall:
        return budgets.read("Budgets:read_personal_data", budget_id,
                            endorsing_organizations=(user.msp_id,))

    @routes.delete(BUDGET + "/personal-data", roles=officer, responses=WRITE_ERRORS,
                   summary="Purge the beneficiary's personal data (the budget stays)")
    def purge_personal_data(user: User, budget_id: str) -> ChaincodeCall:
        return budgets.write("Budgets:purge_personal_data", budget_id,
                             endorsing_organizations=(user.msp_id,))
