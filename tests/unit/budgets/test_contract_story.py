"""The whole Kindpakket story through the contract on the in-memory ledger."""
import json
from datetime import timedelta

from grootboek.chaincode.budgets.domain.errors import ErrorCode

from .kindpakket import (BIKE_SHOP, CLERK, OFFICER, PERSONAL, SCHEME, SPORTS_SHOP, TERMS, Kindpakket, LIQUOR_STORE,
                         REGISTRAR, identity_id)
from .scenario import END, NOW, START


def test_scheme_merchants_budget_payment_refund_settlement_expiry_purge():
    world = Kindpakket()

    # The municipality sets up its scheme; the merchants' organisation registers its shops.
    scheme = world.ok(OFFICER, "create_scheme", SCHEME, TERMS, at=START - timedelta(days=30))
    assert (scheme["status"], scheme["owner"]) == ("draft", "MunicipalityMSP")
    assert world.ok(OFFICER, "open_scheme", SCHEME, at=START - timedelta(days=1))["status"] == "open"
    shop = world.register("fietsenwinkel", BIKE_SHOP, ["bicycles"])
    assert shop["registration"]["identity"] == identity_id(BIKE_SHOP)
    world.register("slijterij", LIQUOR_STORE, ["liquor"])
    world.ok(OFFICER, "admit_merchant", SCHEME, "fietsenwinkel")
    world.refused(ErrorCode.CATEGORY_NOT_ALLOWED, OFFICER, "admit_merchant", SCHEME, "slijterij")

    # A budget for a child, with the parent's key; personal data only in the private collection.
    budget = world.issue("b-0001", "pseudo-0001")
    assert (budget["balance"], budget["status"], budget["beneficiary"]) == (25_000, "active", "pseudo-0001")
    public_before = world.ledger.state("budgets")
    world.ok(OFFICER, "record_personal_data", "b-0001", transient={"personal": json.dumps(PERSONAL).encode()})
    assert world.ledger.state("budgets") == public_before  # wrote nothing public
    assert b"111222333" not in b"".join(public_before.values())
    assert world.ok(OFFICER, "read_personal_data", "b-0001") == PERSONAL

    # The parent shows a code; the bicycle shop scans it and is owed the money at once.
    code = world.code("b-0001")
    result = world.call(BIKE_SHOP, "pay", "b-0001", 4_500, "bicycles", code)
    assert result.ok, result.message
    payment = result.json()
    assert (payment["id"], payment["amount"], payment["merchant_id"]) == (result.tx_id, 4_500, "fietsenwinkel")
    assert result.event.name == "PaymentMade"
    event = json.loads(result.event.payload)
    assert (event["merchant_id"], event["payment_id"], event["amount"], event["kind"]) == (
        "fietsenwinkel", payment["id"], 4_500, "payment")
    world.refused(ErrorCode.CODE_REPLAYED, BIKE_SHOP, "pay", "b-0001", 100, "bicycles", code)

    # The parent checks the balance with a query token signed by the budget's key.
    balance = world.ok(CLERK, "balance", "b-0001", world.token("b-0001"))
    assert (balance["balance"], balance["spent"], balance["granted"]) == (20_500, 4_500, 25_000)

    # Part of it comes back: a refund by the shop that took it, never more than was paid.
    refund = world.call(BIKE_SHOP, "refund", payment["id"], 1_500, at=NOW + timedelta(hours=1))
    assert refund.ok and refund.event.name == "PaymentRefunded"
    assert refund.json()["refunded"] == 1_500
    world.refused(ErrorCode.REFUND_EXCEEDS_PAYMENT, BIKE_SHOP, "refund", payment["id"], 3_001)
    assert world.balance() == 22_000

    # The shop's statement, oldest first, in pages.
    first = world.ok(BIKE_SHOP, "merchant_statement", "fietsenwinkel", 1)
    second = world.ok(BIKE_SHOP, "merchant_statement", "fietsenwinkel", 1, first["bookmark"])
    assert [line["kind"] for line in first["items"] + second["items"]] == ["payment", "refund"]
    assert second["bookmark"] == ""

    # The municipality settles what it owes; the shop confirms; nothing is paid twice.
    settled = world.call(OFFICER, "settle", SCHEME, "fietsenwinkel", "NL-2025-0001", at=NOW + timedelta(days=1))
    assert settled.ok, settled.message
    settlement = settled.json()
    assert (settlement["quantity"], settlement["amount_cents"], settlement["complete"]) == (3_000, 3_000, True)
    assert settled.event.name == "MerchantSettled"
    world.refused(ErrorCode.NOTHING_TO_SETTLE, OFFICER, "settle", SCHEME, "fietsenwinkel", "NL-2025-0002")
    assert world.ok(BIKE_SHOP, "confirm_settlement", settlement["id"])["status"] == "confirmed"
    world.refused(ErrorCode.INVALID_STATE, BIKE_SHOP, "confirm_settlement", settlement["id"])
    statement = world.ok(BIKE_SHOP, "merchant_statement", "fietsenwinkel", 10)["items"]
    assert [line["kind"] for line in statement] == ["payment", "refund", "settlement"]
    assert sum(line["amount"] * (1 if line["kind"] == "payment" else -1) for line in statement) == 0

    # The scheme report: spent per category and per merchant, beneficiaries, what remains.
    report = world.ok(OFFICER, "scheme_report", SCHEME, 10)
    assert report["totals"] == {"beneficiaries": 1, "granted": 25_000, "spent": 3_000, "remaining": 22_000,
                                "returned": 0, "spent_by_category": {"bicycles": 3_000},
                                "spent_by_merchant": {"fietsenwinkel": 3_000}}

    # After the period the budget refuses payments, and what is left returns to the municipality.
    world.refused(ErrorCode.BUDGET_EXPIRED, BIKE_SHOP, "pay", "b-0001", 100, "bicycles",
                  world.code("b-0001", at=END), at=END)
    expired = world.ok(OFFICER, "expire_budget", "b-0001", at=END)
    assert (expired["status"], expired["balance"], expired["returned"]) == ("expired", 0, 22_000)

    # The holder's history tells the whole story, page by page.
    token = world.token("b-0001", at=END)
    pages, bookmark = [], ""
    while True:
        page = world.ok(CLERK, "history", "b-0001", 2, bookmark, token, at=END)
        pages.append(page["items"])
        bookmark = page["bookmark"]
        if not bookmark:
            break
    assert [entry["kind"] for page in pages for entry in page] == ["issued", "paid", "refunded", "expired"]
    assert [len(page) for page in pages] == [2, 2]

    # The personal data is purged; the budget and its records are untouched.
    records_before = world.ledger.state("budgets")
    world.ok(OFFICER, "purge_personal_data", "b-0001")
    assert world.ledger.state("budgets", "personal") == {}
    assert world.ledger.state("budgets") == records_before
    world.refused(ErrorCode.NOT_FOUND, OFFICER, "read_personal_data", "b-0001")
    assert world.ok(OFFICER, "balance", "b-0001")["status"] == "expired"


def test_a_stadjerspas_scheme_counts_swimming_entries_and_settles_at_the_tariff():
    world = Kindpakket()
    pool_terms = TERMS | {"name": "Stadjerspas zwembad", "amount_per_beneficiary": 10, "categories": ["swimming"],
                          "category_caps": {}, "max_per_payment": 2,
                          "unit": {"name": "swimming-entry", "tariff_cents": 350}}
    world.ok(OFFICER, "create_scheme", "stadjerspas-zwembad", pool_terms, at=START)
    world.ok(OFFICER, "open_scheme", "stadjerspas-zwembad", at=START)
    world.register("zwembad", SPORTS_SHOP, ["swimming"])
    world.ok(OFFICER, "admit_merchant", "stadjerspas-zwembad", "zwembad")
    world.issue("pas-1", scheme_id="stadjerspas-zwembad")
    world.pay(2, "swimming", SPORTS_SHOP, "pas-1")
    world.pay(1, "swimming", SPORTS_SHOP, "pas-1")
    world.refused(ErrorCode.AMOUNT_ABOVE_MAXIMUM, SPORTS_SHOP, "pay", "pas-1", 3, "swimming", world.code("pas-1"))
    balance = world.ok(OFFICER, "balance", "pas-1")
    assert (balance["balance"], balance["unit"]["name"]) == (7, "swimming-entry")
    settlement = world.ok(OFFICER, "settle", "stadjerspas-zwembad", "zwembad", "NL-2025-0003")
    assert (settlement["quantity"], settlement["amount_cents"]) == (3, 1_050)


def test_many_budgets_are_reported_in_pages_that_add_up():
    world = Kindpakket().setup()
    for n in range(5):
        world.issue(f"b-{n}")
        world.pay(1_000 * (n + 1), "bicycles", BIKE_SHOP, f"b-{n}")
    totals, bookmark, seen = [], "", []
    while True:
        page = world.ok(OFFICER, "scheme_report", SCHEME, 2, bookmark)
        totals.append(page["totals"])
        seen += [budget["id"] for budget in page["items"]]
        bookmark = page["bookmark"]
        if not bookmark:
            break
    assert sorted(seen) == [f"b-{n}" for n in range(5)] and len(totals) == 3
    assert sum(t["beneficiaries"] for t in totals) == 5
    assert sum(t["spent"] for t in totals) == 15_000
    assert sum(t["remaining"] for t in totals) == 5 * 25_000 - 15_000


def test_the_holder_may_limit_a_code_to_one_shop_and_an_amount():
    world = Kindpakket().setup()
    world.issue()
    code = world.code(merchant_id="sportwinkel", max_amount=3_000)
    world.refused(ErrorCode.CODE_INVALID, BIKE_SHOP, "pay", "b-0001", 1_000, "bicycles", code)
    world.refused(ErrorCode.AMOUNT_ABOVE_MAXIMUM, SPORTS_SHOP, "pay", "b-0001", 3_001, "sports", code)
    assert world.ok(SPORTS_SHOP, "pay", "b-0001", 3_000, "sports", code)["amount"] == 3_000


def test_top_up_and_revoke():
    world = Kindpakket().setup()
    world.issue()
    assert world.ok(OFFICER, "top_up", "b-0001", 5_000)["balance"] == 30_000
    revoked = world.ok(OFFICER, "revoke_budget", "b-0001")
    assert (revoked["status"], revoked["returned"]) == ("revoked", 30_000)
    world.refused(ErrorCode.BUDGET_REVOKED, BIKE_SHOP, "pay", "b-0001", 100, "bicycles", world.code())


def test_suspended_merchants_are_refused_until_reinstated():
    world = Kindpakket().setup()
    world.issue()
    world.ok(REGISTRAR, "suspend_merchant", "fietsenwinkel")
    world.refused(ErrorCode.MERCHANT_SUSPENDED, BIKE_SHOP, "pay", "b-0001", 100, "bicycles", world.code())
    world.ok(REGISTRAR, "reinstate_merchant", "fietsenwinkel")
    world.pay(100)
    assert world.balance() == 24_900


def test_public_reads_and_private_ones():
    world = Kindpakket().setup()
    world.issue()
    payment = world.pay(1_000)
    assert world.ok(BIKE_SHOP, "get_scheme", SCHEME)["terms"]["categories"][0] == "bicycles"
    assert world.ok(OFFICER, "get_merchant", "slijterij")["registration"]["categories"] == ["liquor"]
    assert world.ok(BIKE_SHOP, "get_payment", payment["id"])["amount"] == 1_000
    assert world.ok(OFFICER, "get_payment", payment["id"])["amount"] == 1_000
    world.refused(ErrorCode.FORBIDDEN, SPORTS_SHOP, "get_payment", payment["id"])
    world.refused(ErrorCode.FORBIDDEN, SPORTS_SHOP, "merchant_statement", "fietsenwinkel", 10)
    world.refused(ErrorCode.FORBIDDEN, BIKE_SHOP, "balance", "b-0001")
    world.refused(ErrorCode.FORBIDDEN, BIKE_SHOP, "scheme_report", SCHEME, 10)
    settlement = world.ok(OFFICER, "settle", SCHEME, "fietsenwinkel", "NL-1")
    assert world.ok(BIKE_SHOP, "get_settlement", settlement["id"])["quantity"] == 1_000
    world.refused(ErrorCode.FORBIDDEN, SPORTS_SHOP, "get_settlement", settlement["id"])


def test_a_large_settlement_is_taken_in_parts_and_nothing_twice(monkeypatch):
    monkeypatch.setattr("grootboek.chaincode.budgets.services.settlements.MAX_SETTLEMENT_ENTRIES", 2)
    world = Kindpakket().setup()
    world.issue()
    for n, amount in enumerate((1_000, 2_000, 3_000)):
        world.pay(amount, at=NOW + timedelta(minutes=n))
    first = world.ok(OFFICER, "settle", SCHEME, "fietsenwinkel", "NL-1")  # the oldest lines first
    second = world.ok(OFFICER, "settle", SCHEME, "fietsenwinkel", "NL-2")
    assert (first["quantity"], len(first["entries"]), first["complete"]) == (3_000, 2, False)
    assert (second["quantity"], len(second["entries"]), second["complete"]) == (3_000, 1, True)
    assert not set(first["entries"]) & set(second["entries"])
    world.refused(ErrorCode.NOTHING_TO_SETTLE, OFFICER, "settle", SCHEME, "fietsenwinkel", "NL-3")
