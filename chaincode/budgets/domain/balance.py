"""What a holder (or the municipality) sees of a budget: the balance and where it stands."""
from __future__ import annotations

from .budget import Budget, BudgetStatus
from .fields import Identifier, Quantity, Record, Timestamp
from .scheme import Scheme
from .units import Unit


class Balance(Record):
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
