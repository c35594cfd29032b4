"""What every service holds: the storage ports and the current transaction (caller, time, id)."""

from __future__ import annotations

from grootboek.chaincode.contractapi.tx import Tx

from .records import Records


class Service:
    def __init__(self, records: Records, tx: Tx) -> None:
        self.records = records
        self.tx = tx
