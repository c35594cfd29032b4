"""What a holder (or the municipality) sees of a budget: the balance and where it stands."""
from __future__ import annotations

from pydantic import ConfigDict

from .budget import Budget, BudgetStatus
from .fields import Identifier, Quantity, Record, Timestamp
from .scheme import Scheme
from .units import Unit


class Balance(Record):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"budget_id": "b-voorbeeld-1", "scheme_id": "voorbeeldregeling", "status": "active", "unit": {"name": "eur-cent", "tariff_cents": 1},
         "balance": 20500, "granted": 25000, "spent": 4500, "returned": 0,
         "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2027-01-01T00:00:00Z"}]})

    budget_id: Identifier
    scheme_id: Identifier
    status: BudgetStatus
    unit: Unit
    balance: Quantity
    granted: Quantity
    spent: Quantity
    returned: Quantity
    valid_from: Timestamp
    valid_until: Timestamp

    @classmethod
    def of(cls, budget: Budget, scheme: Scheme) -> "Balance":
        return cls(budget_id=budget.id, scheme_id=scheme.id, status=budget.status, unit=scheme.terms.unit,
                   balance=budget.balance, granted=budget.granted, spent=budget.spent, returned=budget.returned,
                   valid_from=scheme.terms.starts_at, valid_until=scheme.terms.ends_at)
