"""A till's check of a code before paying: the answer `pay` would give, nothing written, never the
balance."""
from __future__ import annotations

from grootboek.chaincode.budgets.domain.errors import ErrorCode

from .kindpakket import BIKE_SHOP, LIQUOR_STORE, Kindpakket


def test_a_check_answers_as_pay_would_and_writes_nothing():
    world = Kindpakket().setup()
    world.issue("b-0001")
    code = world.code(max_amount=5_000)
    before = world.snapshot()
    answer = world.ok(BIKE_SHOP, "check_payment", "b-0001", 4_000, "bicycles", code)
    assert answer == {"budget_id": "b-0001", "amount": 4_000, "category": "bicycles", "fits": True}
    assert world.snapshot() == before and "balance" not in answer
    world.refused(ErrorCode.AMOUNT_ABOVE_MAXIMUM, BIKE_SHOP, "check_payment", "b-0001", 6_000, "bicycles", code)
    world.refused(ErrorCode.MERCHANT_NOT_ADMITTED, LIQUOR_STORE, "check_payment", "b-0001", 100, "liquor", code)
    world.ok(BIKE_SHOP, "pay", "b-0001", 4_000, "bicycles", code)
    world.refused(ErrorCode.CODE_REPLAYED, BIKE_SHOP, "check_payment", "b-0001", 100, "bicycles", code)
