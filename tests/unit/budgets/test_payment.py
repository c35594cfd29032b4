from datetime import timedelta

import pytest

from grootboek.chaincode.budgets.domain.errors import ErrorCode
from grootboek.chaincode.budgets.domain.merchant import Merchant
from grootboek.chaincode.budgets.domain.merchant_entry import MerchantEntryKind
from grootboek.chaincode.budgets.domain.payment import Payment

from .refusals import refused
from .scenario import (BIKE_SHOP, END, LIQUOR_STORE, OFFICER, REGISTRAR, START, authorisation, bike_shop, budget,
                       draft_scheme, liquor_store, open_scheme, registration, tx)


def take(*, caller=BIKE_SHOP, merchant=None, scheme=None, budget_=None, code=None, code_use=None,
         admitted=True, amount=4_500, category="bicycles", at=None):
    scheme = scheme or open_scheme()
    transaction = tx(caller, at) if at else tx(caller)
    return Payment.take(tx=transaction, merchant=merchant or bike_shop(), budget=budget_ or budget(scheme),
                        scheme=scheme, code=code or authorisation(), code_use=code_use, admitted=admitted,
                        amount=amount, category=category)


def test_a_payment_debits_the_budget_and_makes_the_shop_owed_at_once():
    change = take()
    payment, entry = change.payment, change.merchant_entry
    assert (payment.amount, payment.category, payment.merchant_id, payment.refundable) == (
        4_500, "bicycles", "fietsenwinkel", 4_500)
    assert change.budget.balance == 20_500 and change.budget_entry.payment_id == payment.id
    assert (entry.kind, entry.signed, entry.merchant_id, entry.payment_id) == (
        MerchantEntryKind.PAYMENT, 4_500, "fietsenwinkel", payment.id)
    assert entry.event_name == "PaymentMade" and entry.id == payment.id


def test_a_code_is_used_once():
    with refused(ErrorCode.CODE_REPLAYED):
        take(code_use="tx-earlier")


def test_a_code_bound_to_a_merchant_or_limited_in_amount():
    take(code=authorisation(merchant_id="fietsenwinkel", max_amount=4_500))
    with refused(ErrorCode.CODE_INVALID):
        take(code=authorisation(merchant_id="sportwinkel"))
    with refused(ErrorCode.AMOUNT_ABOVE_MAXIMUM):
        take(code=authorisation(max_amount=4_499))


def test_a_merchant_only_acts_as_itself():
    with refused(ErrorCode.FORBIDDEN):
        take(caller=LIQUOR_STORE)


def test_merchant_refusals():
    with refused(ErrorCode.MERCHANT_SUSPENDED):
        take(merchant=bike_shop().suspended(tx(REGISTRAR)))
    with refused(ErrorCode.MERCHANT_NOT_ADMITTED):
        take(admitted=False)


def test_money_goes_to_the_bicycle_shop_not_to_the_liquor_store():
    with refused(ErrorCode.CATEGORY_NOT_ALLOWED):
        take(caller=LIQUOR_STORE, merchant=liquor_store(), category="liquor")
    with refused(ErrorCode.CATEGORY_NOT_ALLOWED):  # a category the scheme allows but the shop did not register
        take(category="sports")


def test_scheme_refusals():
    with refused(ErrorCode.SCHEME_NOT_OPEN):
        take(scheme=draft_scheme())
    with refused(ErrorCode.SCHEME_CLOSED):
        take(scheme=open_scheme().closed(tx(OFFICER)))
    with refused(ErrorCode.OUTSIDE_PERIOD):
        take(at=START - timedelta(hours=1), code=authorisation(now=START - timedelta(hours=1)))
    with refused(ErrorCode.BUDGET_EXPIRED):
        take(at=END, code=authorisation(now=END))
    with refused(ErrorCode.AMOUNT_ABOVE_MAXIMUM):
        take(amount=20_001)


def test_budget_refusals():
    scheme = open_scheme()
    with refused(ErrorCode.INSUFFICIENT_BALANCE):
        take(scheme=scheme, budget_=budget(scheme).debited(scheme, 21_000, "sports", "x", "p", tx(OFFICER))[0])
    with refused(ErrorCode.BUDGET_REVOKED):
        take(scheme=scheme, budget_=budget(scheme).revoked(scheme, tx(OFFICER))[0])
    clothing = Merchant.register("kleding", registration(BIKE_SHOP, ("clothing",)), tx(REGISTRAR))
    with refused(ErrorCode.CATEGORY_CAP_EXCEEDED):
        take(merchant=clothing, category="clothing", amount=10_001)


@pytest.mark.parametrize("amount", [0, -1, 1.5, "100", True])
def test_amount_must_be_a_positive_integer(amount):
    with refused(ErrorCode.INVALID_ARGUMENT):
        take(amount=amount)


def test_refund_in_parts_never_more_than_paid():
    change = take()
    merchant = bike_shop()
    first = change.payment.refund(merchant, change.budget, 1_500, tx(BIKE_SHOP))
    assert (first.payment.refunded, first.payment.refundable, first.budget.balance) == (1_500, 3_000, 22_000)
    assert (first.merchant_entry.kind, first.merchant_entry.signed) == (MerchantEntryKind.REFUND, -1_500)
    assert first.merchant_entry.event_name == "PaymentRefunded"
    with refused(ErrorCode.REFUND_EXCEEDS_PAYMENT):
        first.payment.refund(merchant, first.budget, 3_001, tx(BIKE_SHOP))
    rest = first.payment.refund(merchant, first.budget, 3_000, tx(BIKE_SHOP))
    assert rest.payment.refundable == 0 and rest.budget.balance == 25_000


def test_only_the_merchant_that_took_it_refunds():
    change = take()
    with refused(ErrorCode.FORBIDDEN):
        change.payment.refund(liquor_store(), change.budget, 100, tx(LIQUOR_STORE))
    with refused(ErrorCode.FORBIDDEN):
        change.payment.refund(bike_shop(), change.budget, 100, tx(OFFICER))
