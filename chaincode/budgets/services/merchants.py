"""Merchants: registration and suspension (merchants' registrar), statements."""
from __future__ import annotations

from datetime import date

from grootboek.chaincode.contractapi.tx import Tx

from ..domain.errors import BudgetError, ErrorCode

from ..domain.merchant import Merchant, MerchantRegistration
from ..domain.merchant_entry import MerchantEntry
from ..domain.pages import Page
from ..storage.records import Records


def register(records: Records, tx: Tx, merchant_id: str, registration: MerchantRegistration) -> Merchant:
    merchant = Merchant.register(merchant_id, registration, tx)
    records.insert_merchant(merchant)
    return merchant


def suspend(records: Records, tx: Tx, merchant_id: str) -> Merchant:
    merchant = records.merchant(merchant_id).suspended(tx)
    records.save_merchant(merchant)
    return merchant


def reinstate(records: Records, tx: Tx, merchant_id: str) -> Merchant:
    merchant = records.merchant(merchant_id).reinstated(tx)
    records.save_merchant(merchant)
    return merchant


def statement(records: Records, tx: Tx, merchant_id: str, page_size: int, bookmark: str, day: str = "",
              newest_first: bool = False) -> Page[MerchantEntry]:
    """Payments, refunds and settlements, of every day or one (UTC, `YYYY-MM-DD`), oldest or newest
    first; for the merchant and municipality officers."""
    records.merchant(merchant_id).require_readable(tx.caller)
    return records.merchant_statement(merchant_id, page_size, bookmark, _day(day) if day else None, newest_first)


def _day(text: str) -> date:
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise BudgetError(ErrorCode.INVALID_ARGUMENT, f"day: {text!r} is not a date (YYYY-MM-DD)")


def get(records: Records, merchant_id: str) -> Merchant:
    return records.merchant(merchant_id)


def every(records: Records, page_size: int, bookmark: str = "") -> Page[Merchant]:
    """All registered shops, a page at a time: what any member may read of one, of them all."""
    return records.merchants(page_size, bookmark)
