"""Settlement (verrekening): the municipality pays a merchant's open receivables in one scheme.

A settlement takes the open payment and refund lines it read, records their net total with the
bank reference, and removes them from the open receivables, so nothing is paid twice: a concurrent
payment at the same shop makes the settlement fail at commit (phantom read) and it is retried.
The merchant then confirms receipt.
"""
from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field

from grootboek.chaincode.contractapi.tx import Tx

from .errors import ErrorCode
from .fields import Amount, Identifier, Quantity, Record, Timestamp, require
from .merchant import Merchant
from .merchant_entry import MerchantEntry, MerchantEntryKind
from .roles import require_officer_of
from .scheme import Scheme
from .units import Unit

# One settlement takes at most this many open lines, keeping a transaction's read/write set small;
# `complete` is False when more remained, and the officer settles again.
MAX_SETTLEMENT_ENTRIES = 500

# SEPA's character set for references (end-to-end id, remittance information).
BANK_REFERENCE = re.compile(r"[A-Za-z0-9/?:().,'+ -]{1,64}")
BankReference = Annotated[str, Field(pattern=f"^{BANK_REFERENCE.pattern}$")]


class SettlementStatus(StrEnum):
    PAID = "paid"
    CONFIRMED = "confirmed"


class Settlement(Record):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": "s-voorbeeld-1", "scheme_id": "voorbeeldregeling", "merchant_id": "voorbeeldwinkel",
         "unit": {"name": "eur-cent", "tariff_cents": 1}, "quantity": 4500, "amount_cents": 4500, "bank_reference": "NL-2026-0001",
         "entries": ["voorbeeldwinkel-000001"], "complete": True, "status": "paid", "settled_at": "2026-01-31T09:00:00Z",
         "confirmed_at": None}]})

    id: str  # the id of the transaction that made it
    scheme_id: Identifier
    merchant_id: Identifier
    unit: Unit
    quantity: Amount  # net units settled
    amount_cents: Quantity | None  # what was paid, when the unit has a tariff
    bank_reference: BankReference
    entries: list[str]  # ids of the statement lines settled
    complete: bool  # False: open lines beyond MAX_SETTLEMENT_ENTRIES remain
    status: SettlementStatus
    settled_at: Timestamp
    confirmed_at: Timestamp | None = None

    @classmethod
    def settle(cls, scheme: Scheme, merchant: Merchant, open_entries: list[MerchantEntry], complete: bool,
               bank_reference: str, tx: Tx) -> tuple["Settlement", MerchantEntry]:
        require_officer_of(tx.caller, scheme.owner)
        require(isinstance(bank_reference, str) and BANK_REFERENCE.fullmatch(bank_reference) is not None,
                ErrorCode.INVALID_ARGUMENT, "bank_reference: 1 to 64 characters of SEPA's set")
        net = sum(entry.signed for entry in open_entries)
        require(net > 0, ErrorCode.NOTHING_TO_SETTLE,
                f"merchant {merchant.id} has no positive open receivable in scheme {scheme.id}")
        unit = scheme.terms.unit
        settlement = cls.build(id=tx.id, scheme_id=scheme.id, merchant_id=merchant.id, unit=unit, quantity=net,
                         amount_cents=unit.cents(net), bank_reference=bank_reference,
                         entries=[entry.id for entry in open_entries], complete=complete,
                         status=SettlementStatus.PAID, settled_at=tx.now)
        line = MerchantEntry(id=tx.id, kind=MerchantEntryKind.SETTLEMENT, merchant_id=merchant.id,
                             scheme_id=scheme.id, amount=net, at=tx.now, settlement_id=settlement.id)
        return settlement, line

    def confirmed(self, merchant: Merchant, tx: Tx) -> "Settlement":
        """The merchant confirms the money arrived."""
        require(merchant.id == self.merchant_id, ErrorCode.FORBIDDEN, f"settlement {self.id} is for another merchant")
        merchant.require_acting(tx.caller)
        require(self.status is SettlementStatus.PAID, ErrorCode.INVALID_STATE,
                f"settlement {self.id} is already confirmed")
        return self.model_copy(update={"status": SettlementStatus.CONFIRMED, "confirmed_at": tx.now})
