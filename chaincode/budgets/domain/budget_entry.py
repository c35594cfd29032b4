"""A line of a budget's history: every movement of its balance, numbered per budget."""
from __future__ import annotations

from enum import StrEnum

from .fields import Category, Identifier, Quantity, Record, Timestamp


class BudgetEntryKind(StrEnum):
    ISSUED = "issued"
    TOPPED_UP = "topped-up"
    PAID = "paid"
    REFUNDED = "refunded"
    REVOKED = "revoked"
    EXPIRED = "expired"


class BudgetEntry(Record):
    budget_id: Identifier
    seq: Quantity  # 0, 1, 2 ... in the order the budget's transactions committed
    kind: BudgetEntryKind
    amount: Quantity  # the quantity moved; the kind says in which direction
    balance: Quantity  # the balance after this movement
    at: Timestamp
    tx_id: str
    payment_id: str | None = None
    merchant_id: Identifier | None = None
    category: Category | None = None
