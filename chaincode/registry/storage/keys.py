"""The registry's ledger keys: composite keys by object type, and the private data collection."""

from __future__ import annotations

PARCEL = "parcel"  # [parcel id] -> Parcel
OWNERSHIP = "ownership"  # [parcel id] -> Ownership; its key history is the ownership history
ENCUMBRANCES = "encumbrances"  # [parcel id] -> Encumbrances
PARTY = "party"  # [party id] -> Party (public); PartyDetails in PERSONAL
TRANSFER = "transfer"  # [transfer id] -> Transfer
NONCE = "nonce"  # [party id, nonce] -> the transaction that used it
OWNER_INDEX = "owner~parcel"  # [party id, parcel id] -> marker, for parcels by owner

PERSONAL = "personal"  # private data collection: RegistryMSP only
