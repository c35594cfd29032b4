"""The unit a scheme counts in: money (EUR cents) or an entitlement such as swimming-pool entries.

Kindpakket budgets are money; a Stadjerspas-style scheme grants entitlements ("10 swimming-pool
entries"). Both are integer quantities of a unit, so one model serves both. An entitlement may carry
a tariff: what the municipality pays the merchant per unit used, in EUR cents.
"""
from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .fields import MAX_AMOUNT, Record

UnitName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,31}$")]


class Unit(Record):
    name: UnitName = "eur-cent"
    # Cents paid per unit at settlement; None: settled outside the ledger (only quantities count).
    tariff_cents: Annotated[int, Field(strict=True, gt=0, le=MAX_AMOUNT)] | None = 1

    def cents(self, quantity: int) -> int | None:
        """What `quantity` units are worth in EUR cents, if the unit has a tariff."""
        return None if self.tariff_cents is None else quantity * self.tariff_cents


EURO_CENT = Unit()
