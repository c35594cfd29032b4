"""The budgets chaincode: one contract, `Budgets`, that translates between the chaincode API and
the operations in `services`."""
from __future__ import annotations

from grootboek.chaincode.contractapi import Chaincode

from .budgets import Budgets

chaincode = Chaincode(Budgets(), title="budgets")
