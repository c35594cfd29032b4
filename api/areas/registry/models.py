"""Request bodies of the registry routes. Terms are the chaincode's own models, so the gateway
refuses (naming the field) exactly what the chaincode would refuse as malformed."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from grootboek.chaincode.registry.domain.encumbrances import (
    LimitedRightTerms,
    MortgageTerms,
)
from grootboek.chaincode.registry.domain.ids import Identifier
from grootboek.chaincode.registry.domain.parcel import ParcelDescription
from grootboek.chaincode.registry.domain.statements import PartySignature
from grootboek.chaincode.registry.domain.transfer import TransferTerms

class _Request(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

class PartyRegistration(_Request):
    public_key_pem: Annotated[str, StringConstraints(min_length=1, max_length=4096)]
    """The party's ECDSA P-256 public key (PEM): its statements must verify with it."""

class Split(_Request):
    parts: Annotated[list[ParcelDescription], Field(min_length=2, max_length=100)]

class Merge(_Request):
    parcel_ids: Annotated[list[Identifier], Field(min_length=2, max_length=100)]
    result: ParcelDescription

class TransferOpening(_Request):
    terms: TransferTerms
    consents: Annotated[list[PartySignature], Field(min_length=1, max_length=100)]
    """Every seller's signed consent (statement type registry.transfer.consent)."""

class TransferAcceptance(_Request):
    acceptances: Annotated[list[PartySignature], Field(min_length=1, max_length=100)]
    """Every buyer's signed acceptance (registry.transfer.acceptance)."""

class MortgageRegistration(_Request):
    terms: MortgageTerms
    signature: PartySignature
    """The lender's (registry.mortgage.registration)."""

class Signed(_Request):
    signature: PartySignature

class LimitedRightGrant(_Request):
    terms: LimitedRightTerms
    signatures: Annotated[list[PartySignature], Field(min_length=1, max_length=100)]
    """Every owner's and the holder's (registry.limited_right.grant)."""
