"""The registry chaincode on real peers: the workflow, key-level endorsement, private data."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from grootboek.chaincode import signing
from grootboek.chaincode.registry.domain.statements import StatementType, statement
from grootboek.client import CommitError, EndorseError, EvaluateError

pytestmark = pytest.mark.integration


class Party:
    """A party outside Fabric, registered by the registrar, signing with its own key."""

    def __init__(self, registrar) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.id = registrar.submit("Parties:register_party", signing.public_key_pem(self.key))["id"]
        self._nonces = 0

    def sign(self, kind: StatementType, terms: dict) -> dict:
        self._nonces += 1
        nonce = f"n{self._nonces}"
        signature = signing.sign(self.key, statement(kind, terms, self.id, nonce))
        return {"party": self.id, "nonce": nonce, "signature": signature}


def _parcel(number: int, area_m2: int, owner: Party | None = None) -> dict:
    parcel = {"designation": {"municipality": "GNG00", "section": "K", "number": number}, "area_m2": area_m2}
    return {**parcel, "owners": [{"party": owner.id, "share": "1/1"}]} if owner else parcel


def test_register_transfer_mortgage_split_and_history(clients):
    registrar, officer = clients["registrar"], clients["officer"]
    ann, bob, bank = Party(registrar), Party(registrar), Party(registrar)
    registrar.submit("register_parcel", _parcel(1, 1000, ann))

    terms = {
        "parcel_id": "GNG00-K-1",
        "sellers": [ann.id],
        "buyers": [{"party": bob.id, "share": "1/1"}],
        "price_cents": 42_500_000,
    }
    transfer = registrar.submit(
        "Transfers:open_transfer", terms, [ann.sign(StatementType.TRANSFER_CONSENT, terms)]
    )
    accepted = {"transfer_id": transfer["id"], "parcel_id": "GNG00-K-1"}
    registrar.submit(
        "Transfers:accept_transfer", transfer["id"], [bob.sign(StatementType.TRANSFER_ACCEPTANCE, accepted)]
    )
    recorded = registrar.submit("Transfers:record_transfer", transfer["id"])
    assert recorded["ownership"]["owners"] == [{"party": bob.id, "share": "1/1"}]

    mortgage = {"lender": bank.id, "amount_cents": 30_000_000, "rank": 1}
    signed = bank.sign(StatementType.MORTGAGE_REGISTRATION, {"parcel_id": "GNG00-K-1", **mortgage})
    registrar.submit("Encumbrances:register_mortgage", "GNG00-K-1", mortgage, signed)
    children = registrar.submit("split_parcel", "GNG00-K-1", [_parcel(2, 600), _parcel(3, 400)])
    assert [len(c["encumbrances"]["mortgages"]) for c in children] == [1, 1]

    # The history comes from the peer's history database (newest first there), oldest first here.
    history = officer.evaluate("get_ownership_history", "GNG00-K-1", "10")
    assert [e["ownership"]["owners"][0]["party"] for e in history["items"]] == [ann.id, bob.id]
    assert len({e["tx_id"] for e in history["items"]}) == 2
    registered_at = history["items"][0]["timestamp"]
    assert officer.evaluate("get_ownership_at", "GNG00-K-1", registered_at)["ownership"]["version"] == 1
    owned = officer.evaluate("get_parcels_by_owner", bob.id, "10")
    assert [f["parcel"]["id"] for f in owned["items"]] == ["GNG00-K-2", "GNG00-K-3"]


def test_a_parcel_change_endorsed_only_by_the_municipality_is_invalidated(clients):
    registrar, officer = clients["registrar"], clients["officer"]
    registrar.submit("register_parcel", _parcel(10, 100, Party(registrar)))
    attachment = {"creditor": "Gemeente", "reference": "OZB-2024-7"}
    with pytest.raises(CommitError) as failure:
        officer.submit(
            "Encumbrances:register_attachment",
            "GNG00-K-10",
            attachment,
            endorsing_organizations=["MunicipalityMSP"],
        )
    assert failure.value.validation_code_name == "ENDORSEMENT_POLICY_FAILURE"
    assert officer.evaluate("get_parcel", "GNG00-K-10")["encumbrances"]["attachments"] == []

    # Left to plan endorsement itself, the gateway learns the key's policy and asks the registry too.
    laid = officer.submit("Encumbrances:register_attachment", "GNG00-K-10", attachment)
    assert registrar.evaluate("get_parcel", "GNG00-K-10")["encumbrances"]["attachments"] == [laid]


def test_personal_data_stays_in_the_registry_collection_and_can_be_purged(clients):
    registrar, officer = clients["registrar"], clients["officer"]
    party = Party(registrar)
    details = {"name": "Ann de Vries", "address": "Vismarkt 1, Groningen", "bsn": "111222333"}
    assert (
        registrar.submit("Parties:set_party_details", party.id, transient={"details": json.dumps(details)})
        is None
    )
    assert registrar.evaluate("Parties:get_party_details", party.id) == {**details, "kvk": None}
    with pytest.raises(EvaluateError, match="NOT_REGISTRY: "):
        officer.evaluate("Parties:get_party_details", party.id)

    registrar.submit("Parties:purge_party_details", party.id)
    with pytest.raises(EvaluateError, match="NOT_FOUND: no personal data"):
        registrar.evaluate("Parties:get_party_details", party.id)
    assert officer.evaluate("Parties:get_party", party.id)["id"] == party.id


def test_a_refusal_reaches_the_client_as_code_and_message(clients):
    with pytest.raises(EndorseError, match="NOT_FOUND: parcel GNG00-K-999 is not registered"):
        clients["registrar"].submit("split_parcel", "GNG00-K-999", [_parcel(998, 1), _parcel(997, 1)])
