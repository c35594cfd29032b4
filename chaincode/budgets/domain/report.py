"""The scheme report for the municipality: beneficiaries, spending per category and per merchant,
and what remains.

It is computed from the budgets themselves (each budget keeps its own per-category and per-merchant
totals), not from a scheme-wide counter that every payment would have to write. A page covers some
budgets and carries their totals; totals of pages add up (`+`) to the scheme's.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from pydantic import ConfigDict

from .budget import Budget
from .fields import Identifier, Quantity, Record
from .pages import Page
from .units import Unit


class SchemeTotals(Record):
    beneficiaries: Quantity = 0
    granted: Quantity = 0
    spent: Quantity = 0
    remaining: Quantity = 0
    returned: Quantity = 0
    spent_by_category: dict[str, int] = {}
    spent_by_merchant: dict[str, int] = {}

    @classmethod
    def of(cls, budgets: Iterable[Budget]) -> "SchemeTotals":
        return sum((cls._of_one(b) for b in budgets), cls())

    @classmethod
    def _of_one(cls, budget: Budget) -> "SchemeTotals":
        return cls(beneficiaries=1, granted=budget.granted, spent=budget.spent, remaining=budget.balance,
                   returned=budget.returned, spent_by_category=budget.spent_by_category,
                   spent_by_merchant=budget.spent_by_merchant)

    def __add__(self, other: "SchemeTotals") -> "SchemeTotals":
        return SchemeTotals(
            beneficiaries=self.beneficiaries + other.beneficiaries, granted=self.granted + other.granted,
            spent=self.spent + other.spent, remaining=self.remaining + other.remaining,
            returned=self.returned + other.returned,
            spent_by_category=_merged(self.spent_by_category, other.spent_by_category),
            spent_by_merchant=_merged(self.spent_by_merchant, other.spent_by_merchant))


class SchemeReport(Page[Budget]):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"items": [Budget.model_config["json_schema_extra"]["examples"][0]], "bookmark": "",
         "scheme_id": "voorbeeldregeling", "unit": {"name": "eur-cent", "tariff_cents": 1}, "totals": {
             "beneficiaries": 1, "granted": 25000, "spent": 4500, "remaining": 20500, "returned": 0,
             "spent_by_category": {"bicycles": 4500}, "spent_by_merchant": {"voorbeeldwinkel": 4500}}}]})

    scheme_id: Identifier
    unit: Unit
    totals: SchemeTotals  # of this page's budgets


def _merged(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    total = Counter(a)
    total.update(b)
    return dict(sorted((k, v) for k, v in total.items() if v))
