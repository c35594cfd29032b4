"""Parties outside Fabric (owners, buyers, lenders) who sign registry statements with their keys."""
from __future__ import annotations

import itertools
import random

from cryptography.hazmat.primitives.asymmetric import ec

from grootboek.chaincode import signing
from grootboek.chaincode.registry.domain.statements import StatementType, statement

from .commits import submitted

_nonces = itertools.count(1)


class Party:
    def __init__(self, registrar) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        response = submitted(registrar, "/v1/registry/parties", {"public_key_pem": signing.public_key_pem(self.key)},
                             "party")
        assert response.status_code == 201, response.text
        self.id = response.json()["id"]

    def sign(self, kind: StatementType, terms: dict) -> dict:
        nonce = f"n{next(_nonces)}"
        return {"party": self.id, "nonce": nonce,
                "signature": signing.sign(self.key, statement(kind, terms, self.id, nonce))}


def designation() -> dict:
    """A designation no other test run used on the shared network."""
    return {"municipality": f"API{random.randrange(100):02d}", "section": random.choice("ABCDEFGHKLMN"),
            "number": random.randrange(1, 100_000)}


def parcel_id(designation: dict) -> str:
    return f"{designation['municipality']}-{designation['section']}-{designation['number']}"


def open_transfer(registrar, terms: dict, sellers: list[Party]) -> str:
    """Opens a transfer with every seller's signed consent; its id."""
    opened = registrar.post("/v1/registry/transfers", {
        "terms": terms, "consents": [seller.sign(StatementType.TRANSFER_CONSENT, terms) for seller in sellers]})
    assert opened.status_code == 201, opened.text
    return opened.json()["id"]


def accept_transfer(registrar, transfer_id: str, parcel: str, buyers: list[Party]) -> dict:
    """Every buyer's signed acceptance; the accepted transfer."""
    acceptance = {"transfer_id": transfer_id, "parcel_id": parcel}
    accepted = registrar.post(f"/v1/registry/transfers/{transfer_id}/accept", {
        "acceptances": [buyer.sign(StatementType.TRANSFER_ACCEPTANCE, acceptance) for buyer in buyers]})
    assert accepted.status_code == 200, accepted.text
    return accepted.json()
