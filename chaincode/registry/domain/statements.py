"""Signed statements by which parties (who hold no Fabric identity) consent to registry acts.

A statement is a JSON object: the action's terms, plus `type` (what is consented to), `party` (the
signer) and `nonce` (chosen by the signer, usable once). The party signs its canonical JSON with
the key registered for it (grootboek.chaincode.signing); the client submits only the signature and
nonce, and the chaincode rebuilds the statement from the transaction's own arguments, so a
signature can only ever approve exactly what is being done.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints

from .ids import Identifier


class StatementType(StrEnum):
    TRANSFER_CONSENT = "registry.transfer.consent"  # by each seller
    TRANSFER_ACCEPTANCE = "registry.transfer.acceptance"  # by each buyer
    MORTGAGE_REGISTRATION = "registry.mortgage.registration"  # by the lender
    MORTGAGE_CANCELLATION = "registry.mortgage.cancellation"  # by the lender
    LIMITED_RIGHT_GRANT = "registry.limited_right.grant"  # by every owner and the holder
    LIMITED_RIGHT_RELEASE = "registry.limited_right.release"  # by the holder


class PartySignature(BaseModel):
    """One party's signature over the statement the transaction implies, and the nonce it chose."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    party: Identifier
    nonce: Identifier
    signature: Annotated[str, StringConstraints(min_length=1, max_length=256)]


def statement(kind: StatementType, terms: dict[str, Any], party: str, nonce: str) -> dict[str, Any]:
    """The statement `party` signs; `terms` are JSON values (as `model_dump(mode="json")` gives)."""
    return {**terms, "type": kind.value, "party": party, "nonce": nonce}
