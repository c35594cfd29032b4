"""The registry's ledger keys: composite keys by object type, and the private data collection."""

from __future__ import annotations

PARCEL = "parcel"  # [parcel id] -> Parcel
OWNERSHIP = "ownership"  # [parcel id] -> Ownership; its key history is the ownership history
ENCUMBRANCES = "encumbrances"  # [parcel id] -> Encumbrances
PARTY = "party"  # [party id] -> Party (public); PartyDetails in PERSONAL
TRANSFER = "transfer"  # [transfer id] -> Transfer
NONCE = "nonce"  # [party id, nonce] -> the transaction that used it
OWNER_INDEX = "owner~parcel"  # [party id, parcel id] -> marker, for parcels by owner

# Address indexes (domain/address.py): "address~<index>/<attribute>/.../<parcel id>" -> marker.
# Simple keys, not composite ones: a search by part of a street ("Hoofdstr") needs a range over a
# prefix of an attribute, and Fabric's partial composite key queries only match whole attributes.
ADDRESS_INDEX = "address~"
ADDRESS_SEPARATOR = "/"  # sorts below the letters and digits folded addresses are made of

PERSONAL = "personal"  # private data collection: RegistryMSP only
