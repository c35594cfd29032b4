"""The registry chaincode: contracts that translate between the chaincode API and the services.

`Parcels` is the default contract, so its functions may be called without the "Parcels:" prefix.
"""

from __future__ import annotations

from grootboek.chaincode.contractapi import Chaincode

from .encumbrances import Encumbrances
from .parcels import Parcels
from .parties import Parties
from .transfers import Transfers

chaincode = Chaincode(
    Parcels(), Parties(), Transfers(), Encumbrances(), title="Grootboek land registry (Kadaster)"
)
