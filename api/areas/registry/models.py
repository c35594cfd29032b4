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

from ..common import HOLDER_KEY_EXAMPLE, examples


def _signature(party: str, nonce: str) -> dict:
    return {"party": party, "nonce": nonce, "signature": "MEUCIQCx3sV0mJq6Zk1lYb2tN0fqU7pA9wXcR8eHd4Ls5KjT2gIgW1oYh"}


_PARCEL = {"designation": {"municipality": "ZHN00", "section": "K", "number": 1234}, "area_m2": 1000,
           "address": "Hoofdstraat 1, 9801 AA Zuidhorn"}


class _Request(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

class PartyRegistration(_Request):
    model_config = examples({"public_key_pem": HOLDER_KEY_EXAMPLE})

    public_key_pem: Annotated[str, StringConstraints(min_length=1, max_length=4096)]
    """The party's ECDSA P-256 public key (PEM): its statements must verify with it."""

class Split(_Request):
    model_config = examples({"parts": [
        {"designation": {"municipality": "ZHN00", "section": "K", "number": 1235}, "area_m2": 600},
        {"designation": {"municipality": "ZHN00", "section": "K", "number": 1236}, "area_m2": 400}]})

    parts: Annotated[list[ParcelDescription], Field(min_length=2, max_length=100)]

class Merge(_Request):
    model_config = examples({"parcel_ids": ["ZHN00-K-1235", "ZHN00-K-1236"], "result": _PARCEL})

    parcel_ids: Annotated[list[Identifier], Field(min_length=2, max_length=100)]
    result: ParcelDescription

class TransferOpening(_Request):
    model_config = examples({
        "terms": {"parcel_id": "ZHN00-K-1234", "sellers": ["pty_3a9f"], "buyers": [{"party": "pty_9f21", "share": "1/1"}],
                  "price_cents": 42500000},
        "consents": [_signature("pty_3a9f", "ann-0007")]})

    terms: TransferTerms
    consents: Annotated[list[PartySignature], Field(min_length=1, max_length=100)]
    """Every seller's signed consent (statement type registry.transfer.consent)."""

class TransferAcceptance(_Request):
    model_config = examples({"acceptances": [_signature("pty_9f21", "bob-0001")]})

    acceptances: Annotated[list[PartySignature], Field(min_length=1, max_length=100)]
    """Every buyer's signed acceptance (registry.transfer.acceptance)."""

class MortgageRegistration(_Request):
    model_config = examples({"terms": {"lender": "pty_b4nk", "amount_cents": 30000000, "rank": 1},
                             "signature": _signature("pty_b4nk", "bank-0042")})

    terms: MortgageTerms
    signature: PartySignature
    """The lender's (registry.mortgage.registration)."""

class Signed(_Request):
    model_config = examples({"signature": _signature("pty_b4nk", "bank-0043")})

    signature: PartySignature

class LimitedRightGrant(_Request):
    model_config = examples({"terms": {"kind": "leasehold", "holder": "pty_9f21", "starts": "2026-01-01", "ends": None},
                             "signatures": [_signature("pty_3a9f", "ann-0008"), _signature("pty_9f21", "bob-0002")]})

    terms: LimitedRightTerms
    signatures: Annotated[list[PartySignature], Field(min_length=1, max_length=100)]
    """Every owner's and the holder's (registry.limited_right.grant)."""
