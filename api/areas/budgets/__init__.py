"""Budgets (Kindpakket, Stadjerspas) over HTTP: schemes, merchants, budgets, payments, refunds,
settlements, reports, and a till's live payments."""
from __future__ import annotations

from ...config import ChaincodeRef
from ...errors import catalog
from ...fabric.calls import Chaincode
from ...routing import Routes
from . import activations, budgets, events, holders, merchants, payments, schemes, settlements

def routes(reference: ChaincodeRef) -> Routes:
    area = Routes("budgets", "/v1/budgets", tag="Budgets", refusals=catalog.BUDGETS)
    chaincode = Chaincode(reference.channel, reference.chaincode)
    for part in (schemes, merchants, budgets, activations, holders, payments, settlements):
        part.add(area, chaincode)
    events.add(area, reference)
    return area
