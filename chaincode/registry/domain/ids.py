"""Identifiers: their accepted form, and ids of new records derived from the transaction id.

Every endorser must compute the same id, so ids never come from a clock or randomness; the
transaction id is unique per transaction and identical on every endorsing peer.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:-]{1,128}$")]
"""Ids of parties, parcels, transfers, mortgages, rights and attachments, and statement nonces."""


def derive_id(prefix: str, tx_id: str) -> str:
    """The id of the record of kind `prefix` that transaction `tx_id` creates (one per kind)."""
    return f"{prefix}_{tx_id}"
