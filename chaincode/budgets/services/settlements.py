"""Settlement of merchants' receivables (municipality officers) and confirmation (merchants)."""
from __future__ import annotations

from grootboek.chaincode.contractapi.tx import Tx

from ..domain.settlement import MAX_SETTLEMENT_ENTRIES, Settlement
from ..storage.records import Records


def settle(records: Records, tx: Tx, scheme_id: str, merchant_id: str, bank_reference: str) -> Settlement:
    scheme = records.scheme(scheme_id)
    merchant = records.merchant(merchant_id)
    entries, complete = records.open_entries(merchant.id, scheme.id, MAX_SETTLEMENT_ENTRIES)
    settlement, line = Settlement.settle(scheme, merchant, entries, complete, bank_reference, tx)
    records.close_entries(entries)
    records.save_settlement(settlement)
    records.add_merchant_entry(line)
    return settlement


def confirm(records: Records, tx: Tx, settlement_id: str) -> Settlement:
    merchant = records.merchant_acting_as(tx.caller)
    settlement = records.settlement(settlement_id).confirmed(merchant, tx)
    records.save_settlement(settlement)
    return settlement


def get(records: Records, tx: Tx, settlement_id: str) -> Settlement:
    settlement = records.settlement(settlement_id)
    records.merchant(settlement.merchant_id).require_readable(
        tx.caller, records.scheme(settlement.scheme_id).owner)
    return settlement
