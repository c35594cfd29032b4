"""A till's statement: one UTC day's lines, and newest first (Fabric reads ranges only ascending,
so the chaincode keeps the lines a second time under inverted keys)."""
from __future__ import annotations

from datetime import timedelta

from grootboek.chaincode.budgets.domain.errors import ErrorCode

from .kindpakket import BIKE_SHOP, Kindpakket
from .scenario import NOW


def test_lines_of_one_day_oldest_or_newest_first_in_pages():
    world = Kindpakket().setup()
    world.issue("b-0001")
    moments = [NOW - timedelta(days=1), NOW, NOW + timedelta(hours=2), NOW + timedelta(hours=3, microseconds=5)]
    for amount, at in zip((100, 200, 300, 400), moments):
        world.pay(amount, at=at)

    def amounts(day: str = "", newest_first: bool = False, page_size: int = 10) -> list[int]:
        found, bookmark = [], ""
        while True:
            page = world.ok(BIKE_SHOP, "merchant_statement", "fietsenwinkel", page_size, bookmark, day, newest_first)
            found += [line["amount"] for line in page["items"]]
            if not (bookmark := page["bookmark"]):
                return found

    today = NOW.date().isoformat()
    assert amounts() == [100, 200, 300, 400]
    assert amounts(newest_first=True, page_size=3) == [400, 300, 200, 100]
    assert amounts(today) == [200, 300, 400]
    assert amounts(today, newest_first=True, page_size=2) == [400, 300, 200]
    assert amounts((NOW - timedelta(days=1)).date().isoformat(), newest_first=True) == [100]
    assert amounts((NOW + timedelta(days=1)).date().isoformat()) == []
    for bad in ("2025-3-1", "yesterday", "2025-02-30"):
        message = world.refused(ErrorCode.INVALID_ARGUMENT, BIKE_SHOP, "merchant_statement", "fietsenwinkel", 10, "",
                                bad)
        assert "day" in message
