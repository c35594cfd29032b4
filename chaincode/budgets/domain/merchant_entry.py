"""A line of a merchant's statement: a payment taken, a refund given, or a settlement received.

Amounts are positive; `signed` gives the effect on what the municipality owes the merchant, so the
sum of a merchant's lines in one scheme is its open receivable. Payment and refund lines are also
kept as open receivables until a settlement takes them; each line has its own key, so payments at a
busy shop never contend on a shared counter.
"""
from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict

from .fields import Amount, Category, Identifier, Record, Timestamp


class MerchantEntryKind(StrEnum):
    PAYMENT = "payment"
    REFUND = "refund"
    SETTLEMENT = "settlement"


# Chaincode event names: each transaction that writes a statement line announces it, so a till can
# follow its own payments (the payload carries merchant_id).
EVENT_NAMES = {
    MerchantEntryKind.PAYMENT: "PaymentMade",
    MerchantEntryKind.REFUND: "PaymentRefunded",
    MerchantEntryKind.SETTLEMENT: "MerchantSettled",
}


class MerchantEntry(Record):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": "voorbeeldwinkel-000001", "kind": "payment", "merchant_id": "voorbeeldwinkel",
         "scheme_id": "voorbeeldregeling", "amount": 4500, "at": "2026-01-07T09:00:00Z", "payment_id": "p-voorbeeld-1",
         "budget_id": "b-voorbeeld-1", "category": "bicycles", "settlement_id": None}]})

    id: str  # the id of the transaction that wrote it
    kind: MerchantEntryKind
    merchant_id: Identifier
    scheme_id: Identifier
    amount: Amount
    at: Timestamp
    payment_id: str | None = None
    budget_id: Identifier | None = None
    category: Category | None = None
    settlement_id: str | None = None

    @property
    def signed(self) -> int:
        return self.amount if self.kind is MerchantEntryKind.PAYMENT else -self.amount

    @property
    def event_name(self) -> str:
        return EVENT_NAMES[self.kind]
