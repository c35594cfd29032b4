"""A payment: the merchant scans the holder's code and is owed the amount at once.

`Payment.take` holds every payment rule in the order a till reports them: the code first (a shop
learns nothing about a budget without the holder's code), then the merchant, the scheme, the budget.

`CodeCancellation.of` is the fence a till's gateway commits before it declares a payment of unknown
outcome failed: Fabric checks no timestamps, so a signed payment may commit at any later time, and
only a committed write of the key the payment reads (its code's used mark) proves that it never will.
"""
from __future__ import annotations

from typing import NamedTuple

from pydantic import ConfigDict

from grootboek.chaincode.contractapi.tx import Tx

from .budget import Budget
from .budget_entry import BudgetEntry
from .errors import ErrorCode
from .fields import Amount, Category, Identifier, Quantity, Record, Timestamp, require, require_amount
from .holder_codes import PaymentAuthorisation
from .merchant import Merchant
from .merchant_entry import MerchantEntry, MerchantEntryKind
from .scheme import Scheme


class Payment(Record):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": "p-voorbeeld-1", "budget_id": "b-voorbeeld-1", "scheme_id": "voorbeeldregeling",
         "merchant_id": "voorbeeldwinkel", "category": "bicycles", "amount": 4500, "refunded": 0,
         "nonce": "q7Yt2LmN8pR4sV6x", "paid_at": "2026-01-07T09:00:00Z", "updated_at": "2026-01-07T09:00:00Z"}]})

    id: str  # the id of the transaction that took it
    budget_id: Identifier
    scheme_id: Identifier
    merchant_id: Identifier
    category: Category
    amount: Amount
    refunded: Quantity = 0
    nonce: str  # the payment code's nonce, used once
    paid_at: Timestamp
    updated_at: Timestamp

    @property
    def refundable(self) -> int:
        return self.amount - self.refunded

    @classmethod
    def take(cls, *, tx: Tx, merchant: Merchant, budget: Budget, scheme: Scheme, code: PaymentAuthorisation,
             code_use: str | None, admitted: bool, amount: int, category: str) -> "PaymentChange":
        """`code` is already verified against the budget's key and expiry (holder_codes);
        `code_use` is its used mark: None, a payment id or CANCELLED."""
        require_amount(amount)
        merchant.require_acting(tx.caller)
        require(code_use != CANCELLED, ErrorCode.CODE_REPLAYED,
                "this payment code was cancelled by the till's gateway (a payment with it had no outcome): "
                "ask the holder for a new code")
        require(code_use is None, ErrorCode.CODE_REPLAYED, "this payment code was already used")
        require(code.merchant in (None, merchant.id), ErrorCode.CODE_INVALID,
                "this payment code is for another merchant")
        require(code.max_amount is None or amount <= code.max_amount, ErrorCode.AMOUNT_ABOVE_MAXIMUM,
                f"this payment code allows at most {code.max_amount}")
        merchant.require_active()
        require(admitted, ErrorCode.MERCHANT_NOT_ADMITTED,
                f"merchant {merchant.id} is not admitted to scheme {scheme.id}")
        scheme.require_payable(tx.now)
        scheme.require_payment_terms(category, amount)
        merchant.require_sells(category)
        budget, budget_entry = budget.debited(scheme, amount, category, merchant.id, tx.id, tx)
        payment = cls(id=tx.id, budget_id=budget.id, scheme_id=scheme.id, merchant_id=merchant.id,
                      category=category, amount=amount, nonce=code.nonce, paid_at=tx.now, updated_at=tx.now)
        return PaymentChange(payment, budget, budget_entry, payment._entry(MerchantEntryKind.PAYMENT, amount, tx))

    def refund(self, merchant: Merchant, budget: Budget, amount: int, tx: Tx) -> "PaymentChange":
        """All or part of a payment back to the budget, by the merchant that took it."""
        require_amount(amount)
        require(merchant.id == self.merchant_id, ErrorCode.FORBIDDEN,
                f"payment {self.id} was taken by another merchant")
        merchant.require_acting(tx.caller)
        require(amount <= self.refundable, ErrorCode.REFUND_EXCEEDS_PAYMENT,
                f"payment {self.id} has {self.refundable} left to refund, {amount} asked")
        payment = self.model_copy(update={"refunded": self.refunded + amount, "updated_at": tx.now})
        budget, budget_entry = budget.credited(amount, self.category, self.merchant_id, self.id, tx)
        return PaymentChange(payment, budget, budget_entry, self._entry(MerchantEntryKind.REFUND, amount, tx))

    def _entry(self, kind: MerchantEntryKind, amount: int, tx: Tx) -> MerchantEntry:
        return MerchantEntry(id=tx.id, kind=kind, merchant_id=self.merchant_id, scheme_id=self.scheme_id,
                             amount=amount, at=tx.now, payment_id=self.id, budget_id=self.budget_id,
                             category=self.category)


CANCELLED = "cancelled"
"""A payment code's used mark once `cancel_code` fenced it, instead of the id of a payment."""


class CodeCancellation(Record):
    """The fence's answer: the code is cancelled (now, or by an earlier fence), or `payment_id`
    used it first, and then nothing is written."""

    budget_id: Identifier
    nonce: str
    cancelled: bool
    payment_id: str | None = None

    @classmethod
    def of(cls, tx: Tx, merchant: Merchant, code: PaymentAuthorisation, code_use: str | None) -> "CodeCancellation":
        """Only a shop the code may pay can cancel it: the one acting, if the code names a merchant."""
        merchant.require_acting(tx.caller)
        require(code.merchant in (None, merchant.id), ErrorCode.CODE_INVALID,
                "this payment code is for another merchant")
        used_by = None if code_use in (None, CANCELLED) else code_use
        return cls(budget_id=code.budget, nonce=code.nonce, cancelled=used_by is None, payment_id=used_by)


class PaymentCheck(Record):
    """A till's check before paying: the payment would be taken now. Refusals are errors, as for
    `pay`; the balance is never part of the answer."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"budget_id": "b-voorbeeld-1", "amount": 4500, "category": "bicycles", "fits": True}]})

    budget_id: Identifier
    amount: Amount
    category: Category
    fits: bool


class PaymentChange(NamedTuple):
    """Everything one payment or refund writes."""

    payment: Payment
    budget: Budget
    budget_entry: BudgetEntry
    merchant_entry: MerchantEntry
