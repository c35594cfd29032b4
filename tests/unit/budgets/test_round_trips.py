"""How often an operation goes to the peer for its reads, and that reading up front reads exactly
the keys the operation read before (its read set decides its conflicts)."""
import base64
import hashlib
import json

from .access import Access
from .kindpakket import BIKE_SHOP, OFFICER, SCHEME, identity_id


def _nonce(code: str) -> str:
    return json.loads(base64.urlsafe_b64decode(code + "=" * (-len(code) % 4)))["statement"]["nonce"]


def test_a_payment_reads_its_six_keys_in_two_round_trips(recorded):
    world, contract = recorded
    code = world.code("b-1")
    world.ok(BIKE_SHOP, "pay", "b-1", 1_000, "bicycles", code)
    access: Access = contract.log[-1]
    binding = hashlib.sha256(identity_id(BIKE_SHOP).encode()).hexdigest()
    assert access.reads == {("merchant-by-cert", binding), ("merchant", "fietsenwinkel"), ("budget", "b-1"),
                            ("scheme", SCHEME), ("code", "b-1", _nonce(code)),
                            ("admission", SCHEME, "fietsenwinkel")}
    assert access.round_trips == 2


def test_a_refund_reads_its_four_keys_in_two_round_trips(recorded):
    world, contract = recorded
    paid = world.pay(1_000, budget_id="b-1")
    world.ok(BIKE_SHOP, "refund", paid["id"], 400)
    access: Access = contract.log[-1]
    binding = hashlib.sha256(identity_id(BIKE_SHOP).encode()).hexdigest()
    assert access.reads == {("merchant-by-cert", binding), ("merchant", "fietsenwinkel"), ("payment", paid["id"]),
                            ("budget", "b-1")}
    assert access.round_trips == 2


def test_issuing_a_budget_reads_its_three_keys_in_one_round_trip(recorded):
    world, contract = recorded
    world.issue("b-4", beneficiary="pseudo-4")
    access: Access = contract.log[-1]
    assert access.reads == {("scheme", SCHEME), ("budget", "b-4"), ("beneficiary", SCHEME, "pseudo-4")}
    assert access.round_trips == 1


def test_a_scheme_report_page_reads_its_budgets_in_one_round_trip(recorded):
    world, contract = recorded
    report = world.ok(OFFICER, "scheme_report", SCHEME, 10)
    assert {budget["id"] for budget in report["items"]} == {"b-1", "b-2", "b-3"}
    assert contract.log[-1].round_trips == 3  # the scheme, the page of beneficiaries, their budgets
