"""Merchants: registration and suspension (merchants' registrar), statements."""
from __future__ import annotations

from grootboek.chaincode.contractapi.tx import Tx

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


def statement(records: Records, tx: Tx, merchant_id: str, page_size: int, bookmark: str) -> Page[MerchantEntry]:
    """Payments, refunds and settlements, oldest first; for the merchant and municipality officers."""
    records.merchant(merchant_id).require_readable(tx.caller)
    return records.merchant_statement(merchant_id, page_size, bookmark)


def get(records: Records, merchant_id: str) -> Merchant:
    return records.merchant(merchant_id)
