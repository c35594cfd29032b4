"""Every refusal through the contract: the stable code, and nothing changed (see Kindpakket.refused)."""
import json
from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric import ec

from grootboek.chaincode.budgets.domain.errors import ErrorCode
from grootboek.chaincode.signing import public_key_pem

from .kindpakket import (BIKE_SHOP, CLERK, FAKE_OFFICER, LIQUOR_STORE, OFFICER, REGISTRAR, SCHEME, SPORTS_SHOP, TERMS,
                         UNREGISTERED_SHOP, identity_id)
from .scenario import END, NOW, START


def test_forbidden(world):
    world.refused(ErrorCode.FORBIDDEN, CLERK, "create_scheme", "s2", TERMS)
    world.refused(ErrorCode.FORBIDDEN, FAKE_OFFICER, "create_scheme", "s2", TERMS)
    world.refused(ErrorCode.FORBIDDEN, FAKE_OFFICER, "top_up", "b-0001", 1_000)
    world.refused(ErrorCode.FORBIDDEN, OFFICER, "register_merchant", "m2",
                  {"kvk": "87654321", "name": "X", "categories": ["sports"], "identity": identity_id(CLERK)})
    world.refused(ErrorCode.FORBIDDEN, BIKE_SHOP, "suspend_merchant", "sportwinkel")
    world.refused(ErrorCode.FORBIDDEN, UNREGISTERED_SHOP, "pay", "b-0001", 100, "bicycles", world.code())
    world.refused(ErrorCode.FORBIDDEN, OFFICER, "pay", "b-0001", 100, "bicycles", world.code())
    payment = world.pay(1_000)
    world.refused(ErrorCode.FORBIDDEN, SPORTS_SHOP, "refund", payment["id"], 100)
    world.refused(ErrorCode.FORBIDDEN, BIKE_SHOP, "settle", SCHEME, "fietsenwinkel", "ref")
    world.refused(ErrorCode.FORBIDDEN, BIKE_SHOP, "read_personal_data", "b-0001")
    world.refused(ErrorCode.FORBIDDEN, CLERK, "record_personal_data", "b-0001",
                  transient={"personal": b"{}"})


def test_not_found(world):
    world.refused(ErrorCode.NOT_FOUND, BIKE_SHOP, "pay", "b-9999", 100, "bicycles", world.code())
    world.refused(ErrorCode.NOT_FOUND, OFFICER, "get_scheme", "nope")
    world.refused(ErrorCode.NOT_FOUND, OFFICER, "admit_merchant", SCHEME, "nope")
    world.refused(ErrorCode.NOT_FOUND, BIKE_SHOP, "refund", "f" * 64, 100)
    world.refused(ErrorCode.NOT_FOUND, BIKE_SHOP, "confirm_settlement", "f" * 64)
    world.refused(ErrorCode.NOT_FOUND, OFFICER, "read_personal_data", "b-0001")


def test_already_exists(world):
    world.refused(ErrorCode.ALREADY_EXISTS, OFFICER, "create_scheme", SCHEME, TERMS)
    world.refused(ErrorCode.ALREADY_EXISTS, OFFICER, "admit_merchant", SCHEME, "fietsenwinkel")
    world.refused(ErrorCode.ALREADY_EXISTS, OFFICER, "issue_budget", "b-0001", SCHEME, "someone-else", _some_key())
    world.refused(ErrorCode.ALREADY_EXISTS, OFFICER, "issue_budget", "b-0002", SCHEME, "pseudo-b-0001", _some_key())
    registration = {"kvk": "87654321", "name": "Tweede Fietsenwinkel", "categories": ["bicycles"],
                    "identity": identity_id(BIKE_SHOP)}
    world.refused(ErrorCode.ALREADY_EXISTS, REGISTRAR, "register_merchant", "fietsenwinkel-2", registration)


def test_invalid_arguments(world):
    world.refused(ErrorCode.INVALID_ARGUMENT, OFFICER, "create_scheme", "s2", TERMS | {"amount_per_beneficiary": -1})
    world.refused(ErrorCode.INVALID_ARGUMENT, OFFICER, "create_scheme", "s 2", TERMS)
    world.refused(ErrorCode.INVALID_ARGUMENT, BIKE_SHOP, "pay", "b-0001", "abc", "bicycles", world.code())
    world.refused(ErrorCode.INVALID_ARGUMENT, BIKE_SHOP, "pay", "b-0001", 0, "bicycles", world.code())
    world.refused(ErrorCode.INVALID_ARGUMENT, OFFICER, "top_up", "b-0001", -5)
    world.refused(ErrorCode.INVALID_ARGUMENT, OFFICER, "issue_budget", "b-0002", SCHEME, "p2", "not a key")
    world.refused(ErrorCode.INVALID_ARGUMENT, OFFICER, "scheme_report", SCHEME, 0)
    world.refused(ErrorCode.INVALID_ARGUMENT, OFFICER, "scheme_report", SCHEME, 101)
    world.refused(ErrorCode.INVALID_ARGUMENT, OFFICER, "record_personal_data", "b-0001")
    world.refused(ErrorCode.INVALID_ARGUMENT, OFFICER, "record_personal_data", "b-0001",
                  transient={"personal": json.dumps({"name": "X", "bsn": "123456789", "address": "Y"}).encode()})
    world.refused(ErrorCode.INVALID_ARGUMENT, OFFICER, "settle", SCHEME, "fietsenwinkel", "bad\treference")
    world.refused(ErrorCode.INVALID_ARGUMENT, OFFICER, "get_scheme", "a\x00b")


def test_crafted_bookmarks_cannot_page_through_other_records(world):
    world.issue("b-0002")
    world.pay(1_000, budget_id="b-0002")
    page = world.ok(OFFICER, "history", "b-0002", 1)
    assert page["bookmark"]
    world.refused(ErrorCode.INVALID_ARGUMENT, CLERK, "history", "b-0001", 1, page["bookmark"], world.token())
    world.refused(ErrorCode.INVALID_ARGUMENT, CLERK, "history", "b-0001", 1, "%%%", world.token())


def test_scheme_states_and_period(world):
    world.refused(ErrorCode.INVALID_STATE, OFFICER, "amend_scheme", SCHEME, TERMS)
    world.refused(ErrorCode.INVALID_STATE, OFFICER, "expire_budget", "b-0001")
    world.refused(ErrorCode.OUTSIDE_PERIOD, BIKE_SHOP, "pay", "b-0001", 100, "bicycles",
                  world.code(at=START - timedelta(hours=1)), at=START - timedelta(hours=1))
    world.refused(ErrorCode.OUTSIDE_PERIOD, OFFICER, "top_up", "b-0001", 100, at=END)
    world.ok(OFFICER, "create_scheme", "draft", TERMS)
    world.ok(OFFICER, "admit_merchant", "draft", "fietsenwinkel")
    world.issue("b-draft", scheme_id="draft")
    world.refused(ErrorCode.SCHEME_NOT_OPEN, BIKE_SHOP, "pay", "b-draft", 100, "bicycles", world.code("b-draft"))
    world.ok(OFFICER, "close_scheme", SCHEME)
    world.refused(ErrorCode.SCHEME_CLOSED, BIKE_SHOP, "pay", "b-0001", 100, "bicycles", world.code())
    world.refused(ErrorCode.SCHEME_CLOSED, OFFICER, "issue_budget", "b-0003", SCHEME, "p3", _some_key())


def test_merchant_refusals(world):
    world.refused(ErrorCode.MERCHANT_NOT_ADMITTED, LIQUOR_STORE, "pay", "b-0001", 100, "liquor", world.code())
    world.ok(REGISTRAR, "suspend_merchant", "fietsenwinkel")
    world.refused(ErrorCode.MERCHANT_SUSPENDED, BIKE_SHOP, "pay", "b-0001", 100, "bicycles", world.code())
    world.refused(ErrorCode.INVALID_STATE, REGISTRAR, "suspend_merchant", "fietsenwinkel")


def test_category_and_amount_rules(world):
    world.refused(ErrorCode.CATEGORY_NOT_ALLOWED, BIKE_SHOP, "pay", "b-0001", 100, "liquor", world.code())
    world.refused(ErrorCode.CATEGORY_NOT_ALLOWED, BIKE_SHOP, "pay", "b-0001", 100, "sports", world.code())
    world.refused(ErrorCode.AMOUNT_ABOVE_MAXIMUM, BIKE_SHOP, "pay", "b-0001", 20_001, "bicycles", world.code())
    world.pay(9_000, "clothing", SPORTS_SHOP)
    world.refused(ErrorCode.CATEGORY_CAP_EXCEEDED, SPORTS_SHOP, "pay", "b-0001", 1_001, "clothing", world.code())
    world.pay(16_000, "sports", SPORTS_SHOP)
    world.refused(ErrorCode.INSUFFICIENT_BALANCE, BIKE_SHOP, "pay", "b-0001", 1, "bicycles", world.code())
    assert world.balance() == 0


def test_code_refusals(world):
    world.refused(ErrorCode.CODE_INVALID, BIKE_SHOP, "pay", "b-0001", 100, "bicycles", "garbage")
    world.issue("b-0002")
    world.refused(ErrorCode.CODE_INVALID, BIKE_SHOP, "pay", "b-0001", 100, "bicycles", world.code("b-0002"))
    stale = world.code(at=NOW - timedelta(minutes=10))
    world.refused(ErrorCode.CODE_EXPIRED, BIKE_SHOP, "pay", "b-0001", 100, "bicycles", stale)
    code = world.code()
    world.ok(BIKE_SHOP, "pay", "b-0001", 100, "bicycles", code)
    world.refused(ErrorCode.CODE_REPLAYED, BIKE_SHOP, "pay", "b-0001", 100, "bicycles", code)
    world.refused(ErrorCode.CODE_EXPIRED, CLERK, "balance", "b-0001", world.token(at=NOW - timedelta(minutes=2)))
    world.refused(ErrorCode.CODE_INVALID, CLERK, "balance", "b-0001", world.token("b-0002"))


def test_pay_refuses_in_the_tills_order(world):
    """Reading a payment's records up front changes which refusal comes first in no case."""
    world.refused(ErrorCode.FORBIDDEN, UNREGISTERED_SHOP, "pay", "b-9999", 100, "bicycles", "garbage")
    world.refused(ErrorCode.FORBIDDEN, UNREGISTERED_SHOP, "pay", "b\x00", 100, "bicycles", world.code())
    world.refused(ErrorCode.INVALID_ARGUMENT, BIKE_SHOP, "pay", "b\x00", 100, "bicycles", world.code())
    world.refused(ErrorCode.NOT_FOUND, BIKE_SHOP, "pay", "b-9999", 100, "bicycles", "garbage")
    world.refused(ErrorCode.NOT_FOUND, BIKE_SHOP, "pay", "b-9999", 100, "bicycles", world.code())
    world.refused(ErrorCode.CODE_INVALID, LIQUOR_STORE, "pay", "b-0001", 100, "liquor", "garbage")
    world.ok(REGISTRAR, "suspend_merchant", "fietsenwinkel")
    world.refused(ErrorCode.CODE_EXPIRED, BIKE_SHOP, "pay", "b-0001", 100, "bicycles",
                  world.code(at=NOW - timedelta(minutes=10)))


def test_a_failed_payment_leaves_its_code_usable(world):
    code = world.code()
    world.refused(ErrorCode.AMOUNT_ABOVE_MAXIMUM, BIKE_SHOP, "pay", "b-0001", 20_001, "bicycles", code)
    assert world.ok(BIKE_SHOP, "pay", "b-0001", 1_000, "bicycles", code)["amount"] == 1_000


def test_refund_and_settlement_refusals(world):
    payment = world.pay(1_000)
    world.refused(ErrorCode.REFUND_EXCEEDS_PAYMENT, BIKE_SHOP, "refund", payment["id"], 1_001)
    world.ok(BIKE_SHOP, "refund", payment["id"], 1_000)
    world.refused(ErrorCode.REFUND_EXCEEDS_PAYMENT, BIKE_SHOP, "refund", payment["id"], 1)
    world.refused(ErrorCode.NOTHING_TO_SETTLE, OFFICER, "settle", SCHEME, "fietsenwinkel", "ref")


def _some_key() -> str:
    return public_key_pem(ec.generate_private_key(ec.SECP256R1()))
