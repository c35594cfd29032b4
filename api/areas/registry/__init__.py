"""The land registry (Kadaster) over HTTP: parcels, parties, transfers, encumbrances, history."""
from __future__ import annotations

from ...config import ChaincodeRef
from ...errors import catalog
from ...fabric.calls import Chaincode
from ...routing import Routes
from . import encumbrances, parcels, parties, transfers


def routes(reference: ChaincodeRef) -> Routes:
    registry = Routes("registry", "/v1/registry", tag="Land registry", refusals=catalog.REGISTRY)
    chaincode = Chaincode(reference.channel, reference.chaincode)
    for area in (parcels, parties, transfers, encumbrances):
        area.add(registry, chaincode)
    return registry
