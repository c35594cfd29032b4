"""Contract `Budgets`: translates chaincode calls to the operations in `services`. Refusals
(`BudgetError`) are ContractErrors: they reach the client as "CODE: message" by themselves."""
from __future__ import annotations

from functools import cached_property
from typing import Any

from grootboek.chaincode.contractapi import Context, Contract, transaction

from ..domain.activation import ActivationResult, ActivationTerms
from ..domain.admission import Admission, SpendingPlaces
from ..domain.balance import Balance
from ..domain.budget import Budget, BudgetGrant, IssuedBatch
from ..domain.budget_entry import BudgetEntry
from ..domain.merchant import Merchant, MerchantRegistration
from ..domain.merchant_entry import MerchantEntry
from ..domain.pages import Page
from ..domain.payment import CodeCancellation, Payment, PaymentCheck
from ..domain.personal_data import PersonalData
from ..domain.report import SchemeReport
from ..domain.scheme import Scheme, SchemeTerms
from ..domain.settlement import Settlement
from ..services import budgets, merchants, payments, personal_data, reports, schemes, settlements
from ..storage.records import Records
from ..storage.stub_ledger import StubLedger


class BudgetsContext(Context):
    @cached_property
    def records(self) -> Records:
        return Records(StubLedger(self.stub))


class Budgets(Contract):
    """Kindpakket / Stadjerspas budgets: schemes, merchants, budgets, payments, settlement."""

    description = __doc__

    def create_context(self, stub: Any) -> BudgetsContext:
        return BudgetsContext(stub)

    # -- schemes (municipality officers) --------------------------------------------------

    @transaction
    def create_scheme(self, ctx: BudgetsContext, scheme_id: str, terms: SchemeTerms) -> Scheme:
        return schemes.create(ctx.records, ctx.tx, scheme_id, terms)

    @transaction
    def amend_scheme(self, ctx: BudgetsContext, scheme_id: str, terms: SchemeTerms) -> Scheme:
        return schemes.amend(ctx.records, ctx.tx, scheme_id, terms)

    @transaction
    def open_scheme(self, ctx: BudgetsContext, scheme_id: str) -> Scheme:
        return schemes.open_(ctx.records, ctx.tx, scheme_id)

    @transaction
    def close_scheme(self, ctx: BudgetsContext, scheme_id: str) -> Scheme:
        return schemes.close(ctx.records, ctx.tx, scheme_id)

    @transaction
    def admit_merchant(self, ctx: BudgetsContext, scheme_id: str, merchant_id: str) -> Admission:
        return schemes.admit(ctx.records, ctx.tx, scheme_id, merchant_id)

    @transaction(evaluate=True)
    def get_scheme(self, ctx: BudgetsContext, scheme_id: str) -> Scheme:
        return schemes.get(ctx.records, scheme_id)

    @transaction(evaluate=True)
    def spending_places(self, ctx: BudgetsContext, scheme_id: str) -> SpendingPlaces:
        return schemes.spending_places(ctx.records, scheme_id)

    # -- merchants (merchants' registrar; the merchant itself) ----------------------------

    @transaction
    def register_merchant(self, ctx: BudgetsContext, merchant_id: str,
                          registration: MerchantRegistration) -> Merchant:
        return merchants.register(ctx.records, ctx.tx, merchant_id, registration)

    @transaction
    def suspend_merchant(self, ctx: BudgetsContext, merchant_id: str) -> Merchant:
        return merchants.suspend(ctx.records, ctx.tx, merchant_id)

    @transaction
    def reinstate_merchant(self, ctx: BudgetsContext, merchant_id: str) -> Merchant:
        return merchants.reinstate(ctx.records, ctx.tx, merchant_id)

    @transaction(evaluate=True)
    def get_merchant(self, ctx: BudgetsContext, merchant_id: str) -> Merchant:
        return merchants.get(ctx.records, merchant_id)

    @transaction(evaluate=True)
    def list_merchants(self, ctx: BudgetsContext, page_size: int, bookmark: str = "") -> Page[Merchant]:
        return merchants.every(ctx.records, page_size, bookmark)

    @transaction(evaluate=True)
    def merchant_statement(self, ctx: BudgetsContext, merchant_id: str, page_size: int, bookmark: str = "",
                           day: str = "", newest_first: bool = False) -> Page[MerchantEntry]:
        return merchants.statement(ctx.records, ctx.tx, merchant_id, page_size, bookmark, day, newest_first)

    # -- budgets (municipality officers; holders read with a query token) -----------------

    @transaction
    def issue_budget(self, ctx: BudgetsContext, budget_id: str, scheme_id: str, beneficiary: str,
                     holder_key: str) -> Budget:
        return budgets.issue(ctx.records, ctx.tx, budget_id, scheme_id, beneficiary, holder_key)

    @transaction
    def issue_budget_for_activation(self, ctx: BudgetsContext, budget_id: str, scheme_id: str, beneficiary: str,
                                    activation: ActivationTerms) -> Budget:
        return budgets.issue(ctx.records, ctx.tx, budget_id, scheme_id, beneficiary, None, activation)

    @transaction
    def issue_budgets(self, ctx: BudgetsContext, scheme_id: str, grants: list[BudgetGrant]) -> IssuedBatch:
        return budgets.issue_batch(ctx.records, ctx.tx, scheme_id, grants)

    @transaction
    def reissue_activation(self, ctx: BudgetsContext, budget_id: str, activation: ActivationTerms) -> Budget:
        return budgets.reissue_activation(ctx.records, ctx.tx, budget_id, activation)

    @transaction
    def activate(self, ctx: BudgetsContext, budget_id: str, holder_key: str) -> ActivationResult:
        return budgets.activate(ctx.records, ctx.tx, budget_id, holder_key, ctx.stub.get_transient())

    @transaction
    def top_up(self, ctx: BudgetsContext, budget_id: str, amount: int) -> Budget:
        return budgets.top_up(ctx.records, ctx.tx, budget_id, amount)

    @transaction
    def revoke_budget(self, ctx: BudgetsContext, budget_id: str) -> Budget:
        return budgets.revoke(ctx.records, ctx.tx, budget_id)

    @transaction
    def expire_budget(self, ctx: BudgetsContext, budget_id: str) -> Budget:
        return budgets.expire(ctx.records, ctx.tx, budget_id)

    @transaction(evaluate=True)
    def balance(self, ctx: BudgetsContext, budget_id: str, holder_token: str = "") -> Balance:
        return budgets.balance(ctx.records, ctx.tx, budget_id, holder_token)

    @transaction(evaluate=True)
    def history(self, ctx: BudgetsContext, budget_id: str, page_size: int, bookmark: str = "",
                holder_token: str = "") -> Page[BudgetEntry]:
        return budgets.history(ctx.records, ctx.tx, budget_id, holder_token, page_size, bookmark)

    # -- personal data (municipality only; transient "personal", private collection) ------

    @transaction
    def record_personal_data(self, ctx: BudgetsContext, budget_id: str) -> None:
        personal_data.record(ctx.records, ctx.tx, budget_id, ctx.stub.get_transient())

    @transaction
    def purge_personal_data(self, ctx: BudgetsContext, budget_id: str) -> None:
        personal_data.purge(ctx.records, ctx.tx, budget_id)

    @transaction(evaluate=True)
    def read_personal_data(self, ctx: BudgetsContext, budget_id: str) -> PersonalData:
        return personal_data.read(ctx.records, ctx.tx, budget_id)

    # -- payments (merchants) -------------------------------------------------------------

    @transaction
    def pay(self, ctx: BudgetsContext, budget_id: str, amount: int, category: str, code: str) -> Payment:
        return payments.pay(ctx.records, ctx.tx, budget_id, amount, category, code)

    @transaction(evaluate=True)
    def check_payment(self, ctx: BudgetsContext, budget_id: str, amount: int, category: str,
                      code: str) -> PaymentCheck:
        return payments.check(ctx.records, ctx.tx, budget_id, amount, category, code)

    @transaction
    def cancel_code(self, ctx: BudgetsContext, budget_id: str, code: str) -> CodeCancellation:
        return payments.cancel_code(ctx.records, ctx.tx, budget_id, code)

    @transaction
    def refund(self, ctx: BudgetsContext, payment_id: str, amount: int) -> Payment:
        return payments.refund(ctx.records, ctx.tx, payment_id, amount)

    @transaction(evaluate=True)
    def get_payment(self, ctx: BudgetsContext, payment_id: str) -> Payment:
        return payments.get(ctx.records, ctx.tx, payment_id)

    # -- settlement -----------------------------------------------------------------------

    @transaction
    def settle(self, ctx: BudgetsContext, scheme_id: str, merchant_id: str, bank_reference: str) -> Settlement:
        return settlements.settle(ctx.records, ctx.tx, scheme_id, merchant_id, bank_reference)

    @transaction
    def confirm_settlement(self, ctx: BudgetsContext, settlement_id: str) -> Settlement:
        return settlements.confirm(ctx.records, ctx.tx, settlement_id)

    @transaction(evaluate=True)
    def get_settlement(self, ctx: BudgetsContext, settlement_id: str) -> Settlement:
        return settlements.get(ctx.records, ctx.tx, settlement_id)

    @transaction(evaluate=True)
    def scheme_report(self, ctx: BudgetsContext, scheme_id: str, page_size: int,
                      bookmark: str = "") -> SchemeReport:
        return reports.scheme_report(ctx.records, ctx.tx, scheme_id, page_size, bookmark)
