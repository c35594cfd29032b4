"""A line of a budget's history: every movement of its balance, numbered per budget."""
from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict

from .fields import Category, Identifier, Quantity, Record, Timestamp


class BudgetEntryKind(StrEnum):
    ISSUED = "issued"
    TOPPED_UP = "topped-up"
    PAID = "paid"
    REFUNDED = "refunded"
    REVOKED = "revoked"
    EXPIRED = "expired"


class BudgetEntry(Record):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"budget_id": "b-voorbeeld-1", "seq": 2, "kind": "paid", "amount": 4500, "balance": 20500,
         "at": "2026-01-07T09:00:00Z", "tx_id": "8a1f0c3e5b7d9f2a4c6e8b0d1f3a5c7e9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a", "payment_id": "p-voorbeeld-1",
         "merchant_id": "voorbeeldwinkel", "category": "bicycles"}]})

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
