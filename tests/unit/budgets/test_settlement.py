from grootboek.chaincode.budgets.domain.errors import ErrorCode
from grootboek.chaincode.budgets.domain.merchant_entry import MerchantEntry, MerchantEntryKind
from grootboek.chaincode.budgets.domain.settlement import Settlement, SettlementStatus

from .refusals import refused
from .scenario import BIKE_SHOP, CLERK, LIQUOR_STORE, NOW, OFFICER, bike_shop, liquor_store, open_scheme, tx


def line(entry_id: str, kind: MerchantEntryKind, amount: int) -> MerchantEntry:
    return MerchantEntry(id=entry_id, kind=kind, merchant_id="fietsenwinkel", scheme_id="kindpakket-2025",
                         amount=amount, at=NOW, payment_id=entry_id)


OPEN = [line("p1", MerchantEntryKind.PAYMENT, 4_500), line("p2", MerchantEntryKind.PAYMENT, 1_000),
        line("r1", MerchantEntryKind.REFUND, 500)]


def test_settlement_pays_the_net_of_open_lines_once():
    settlement, statement_line = Settlement.settle(open_scheme(), bike_shop(), OPEN, True, "NL-2025-0001", tx(OFFICER))
    assert (settlement.quantity, settlement.amount_cents, settlement.entries) == (5_000, 5_000, ["p1", "p2", "r1"])
    assert settlement.status is SettlementStatus.PAID and settlement.complete
    assert (statement_line.kind, statement_line.signed, statement_line.settlement_id) == (
        MerchantEntryKind.SETTLEMENT, -5_000, settlement.id)
    assert statement_line.event_name == "MerchantSettled"
    assert sum(entry.signed for entry in OPEN) + statement_line.signed == 0  # nothing left owed


def test_entitlements_are_paid_at_their_tariff():
    pool = open_scheme("zwembad", amount_per_beneficiary=10, categories=["swimming"], category_caps={},
                       max_per_payment=None, unit={"name": "swimming-entry", "tariff_cents": 350})
    settlement, _ = Settlement.settle(pool, bike_shop(), [line("p1", MerchantEntryKind.PAYMENT, 3)], True,
                                      "NL-2025-0002", tx(OFFICER))
    assert (settlement.quantity, settlement.amount_cents, settlement.unit.name) == (3, 1_050, "swimming-entry")


def test_nothing_to_settle_and_only_the_owners_officer_settles():
    with refused(ErrorCode.NOTHING_TO_SETTLE):
        Settlement.settle(open_scheme(), bike_shop(), [], True, "ref", tx(OFFICER))
    with refused(ErrorCode.NOTHING_TO_SETTLE):
        Settlement.settle(open_scheme(), bike_shop(), [line("r1", MerchantEntryKind.REFUND, 500)], True, "ref",
                          tx(OFFICER))
    with refused(ErrorCode.FORBIDDEN):
        Settlement.settle(open_scheme(), bike_shop(), OPEN, True, "ref", tx(CLERK))


def test_the_merchant_confirms_receipt_once():
    settlement, _ = Settlement.settle(open_scheme(), bike_shop(), OPEN, True, "NL-2025-0001", tx(OFFICER))
    with refused(ErrorCode.FORBIDDEN):
        settlement.confirmed(liquor_store(), tx(LIQUOR_STORE))
    with refused(ErrorCode.FORBIDDEN):
        settlement.confirmed(bike_shop(), tx(OFFICER))
    confirmed = settlement.confirmed(bike_shop(), tx(BIKE_SHOP))
    assert confirmed.status is SettlementStatus.CONFIRMED and confirmed.confirmed_at == NOW
    with refused(ErrorCode.INVALID_STATE):
        confirmed.confirmed(bike_shop(), tx(BIKE_SHOP))


def test_the_bank_reference_uses_sepa_characters():
    with refused(ErrorCode.INVALID_ARGUMENT):
        Settlement.settle(open_scheme(), bike_shop(), OPEN, True, "ref\nwith newline", tx(OFFICER))
