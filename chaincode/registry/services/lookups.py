"""Records that must exist for an action to proceed, or NOT_FOUND."""

from __future__ import annotations

from ..domain.errors import ErrorCode, RegistryError
from ..domain.party import Party
from ..domain.transfer import Transfer
from .records import Records


def require_party(records: Records, party_id: str, role: str = "party") -> Party:
    party = records.parties.get(party_id)
    if party is None:
        raise RegistryError(ErrorCode.NOT_FOUND, f"{role} {party_id} is not a registered party")
    return party


def require_transfer(records: Records, transfer_id: str) -> Transfer:
    transfer = records.transfers.get(transfer_id)
    if transfer is None:
        raise RegistryError(ErrorCode.NOT_FOUND, f"transfer {transfer_id} does not exist")
    return transfer
