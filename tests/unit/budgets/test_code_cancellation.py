"""The gateway's fence, `cancel_code`: once it commits, a payment signed with the code can never be
valid, and once the payment committed, the fence changes nothing and names the payment. Endorsed side
by side, each invalidates the other (MVCC), so at most one of the two is ever valid."""
from datetime import timedelta

from grootboek.chaincode.budgets.domain.errors import ErrorCode
from grootboek.chaincode.contractapi import Chaincode

from .access import RecordingBudgets
from .kindpakket import BIKE_SHOP, SPORTS_SHOP, UNREGISTERED_SHOP, Kindpakket
from .scenario import NOW


def test_a_code_cancelled_first_refuses_its_payment_for_good(world):
    code = world.code()
    cancelled = world.ok(BIKE_SHOP, "cancel_code", "b-0001", code)
    assert cancelled == {"budget_id": "b-0001", "nonce": cancelled["nonce"], "cancelled": True, "payment_id": None}
    message = world.refused(ErrorCode.CODE_REPLAYED, BIKE_SHOP, "pay", "b-0001", 1_000, "bicycles", code)
    assert "cancelled" in message and "new code" in message
    assert world.balance() == 25_000


def test_a_code_its_payment_used_first_is_not_cancelled_and_names_the_payment(world):
    code = world.code()
    paid = world.ok(BIKE_SHOP, "pay", "b-0001", 1_000, "bicycles", code)
    before = world.snapshot()
    answer = world.ok(BIKE_SHOP, "cancel_code", "b-0001", code)
    assert (answer["cancelled"], answer["payment_id"]) == (False, paid["id"])
    assert world.snapshot() == before and world.balance() == 24_000


def test_cancelling_again_and_cancelling_an_expired_code_both_hold(world):
    code = world.code(at=NOW - timedelta(hours=1))  # expired by NOW: its payment may still commit
    assert world.ok(BIKE_SHOP, "cancel_code", "b-0001", code)["cancelled"]
    before = world.snapshot()
    assert world.ok(BIKE_SHOP, "cancel_code", "b-0001", code)["cancelled"]
    assert world.snapshot() == before


def test_only_a_shop_the_code_may_pay_can_cancel_it(world):
    for_bike_shop = world.code(merchant_id="fietsenwinkel")
    world.refused(ErrorCode.CODE_INVALID, SPORTS_SHOP, "cancel_code", "b-0001", for_bike_shop)
    world.refused(ErrorCode.FORBIDDEN, UNREGISTERED_SHOP, "cancel_code", "b-0001", world.code())
    world.refused(ErrorCode.CODE_INVALID, BIKE_SHOP, "cancel_code", "b-0001", world.code()[:-4] + "AAAA")
    assert world.ok(BIKE_SHOP, "cancel_code", "b-0001", for_bike_shop)["cancelled"]


def test_a_fence_and_its_payment_endorsed_side_by_side_invalidate_each_other():
    """Two copies of one world (the same holder key, so one code is valid in both): the fence runs
    in one, the payment in the other, both against the same state, as two endorsements would."""
    fence_world, fence = _recorded_world()
    payment_world, payment = _recorded_world(fence_world)
    code = fence_world.code("b-1")
    fence_world.ok(BIKE_SHOP, "cancel_code", "b-1", code)
    payment_world.ok(BIKE_SHOP, "pay", "b-1", 1_000, "bicycles", code)
    fenced, paid = fence.log[-1], payment.log[-1]
    assert paid.fails_after(fenced) and fenced.fails_after(paid)
    code_key = next(key for key in fenced.writes if key[0] == "code")
    assert code_key in paid.reads & paid.writes and code_key in fenced.reads


def _recorded_world(keys_from: Kindpakket | None = None) -> tuple[Kindpakket, RecordingBudgets]:
    contract = RecordingBudgets()
    world = Kindpakket(Chaincode(contract))
    if keys_from is not None:
        world.holder_keys = keys_from.holder_keys
    world.setup().issue("b-1")
    return world, contract
