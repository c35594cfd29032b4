"""The registry chaincode end to end on the shim's memory ledger: wire names, JSON in and out,
identities from certificates, key-level endorsement policies, private data and refusals."""

import json

import pytest

from grootboek.chaincode.registry import chaincode
from grootboek.chaincode.registry.domain.errors import ErrorCode
from grootboek.chaincode.registry.domain.statements import StatementType
from grootboek.chaincode.registry.storage.state import REGISTRY_POLICY
from grootboek.chaincode.shim import KeyEndorsementPolicy

from .ledger_client import CLERK, NAMESPACE, OFFICER, LedgerClient

PARCEL = "GNG00-K-1"


def _parcel(number, area_m2, **extra):
    return {
        "designation": {"municipality": "GNG00", "section": "K", "number": number},
        "area_m2": area_m2,
        **extra,
    }


@pytest.fixture
def client():
    return LedgerClient()


def test_register_transfer_mortgage_split_and_history(client):
    ann, bob, bank = client.new_party(), client.new_party(), client.new_party()
    registered = client.call("register_parcel", _parcel(1, 1000, owners=[{"party": ann.id, "share": "1/1"}]))
    assert registered["ownership"]["owners"] == [{"party": ann.id, "share": "1/1"}]

    terms = {
        "parcel_id": PARCEL,
        "sellers": [ann.id],
        "buyers": [{"party": bob.id, "share": "1/1"}],
        "price_cents": 42_500_000,
    }
    transfer = client.call(
        "Transfers:open_transfer", terms, [ann.sign(StatementType.TRANSFER_CONSENT, terms)]
    )
    acceptance = bob.sign(
        StatementType.TRANSFER_ACCEPTANCE, {"transfer_id": transfer["id"], "parcel_id": PARCEL}
    )
    client.call("Transfers:accept_transfer", transfer["id"], [acceptance])
    recorded = client.call("Transfers:record_transfer", transfer["id"])
    assert recorded["ownership"]["owners"] == [{"party": bob.id, "share": "1/1"}]

    mortgage_terms = {"lender": bank.id, "amount_cents": 30_000_000, "rank": 1}
    signed = bank.sign(StatementType.MORTGAGE_REGISTRATION, {"parcel_id": PARCEL, **mortgage_terms})
    mortgage = client.call("Encumbrances:register_mortgage", PARCEL, mortgage_terms, signed)
    assert client.call("get_parcel", PARCEL)["encumbrances"]["mortgages"] == [mortgage]

    children = client.call("split_parcel", PARCEL, [_parcel(2, 600), _parcel(3, 400)])
    assert [c["parcel"]["parents"] for c in children] == [[PARCEL], [PARCEL]]
    assert all(c["encumbrances"]["mortgages"] == [mortgage] for c in children)
    retired = client.call("get_parcel", PARCEL)["parcel"]
    assert (retired["status"], retired["children"]) == ("retired", ["GNG00-K-2", "GNG00-K-3"])

    history = client.call("get_ownership_history", PARCEL, 10)
    assert [e["ownership"]["owners"][0]["party"] for e in history["items"]] == [ann.id, bob.id]
    assert history["items"][1]["tx_id"] and history["bookmark"] == ""
    at_registration = client.call("get_ownership_at", PARCEL, history["items"][0]["timestamp"])
    assert at_registration["ownership"]["version"] == 1
    by_owner = client.call("get_parcels_by_owner", bob.id, 10)
    assert [f["parcel"]["id"] for f in by_owner["items"]] == ["GNG00-K-2", "GNG00-K-3"]


def test_every_key_the_registry_creates_requires_the_registry_peer(client):
    ann = client.new_party()
    client.call("register_parcel", _parcel(1, 1000, owners=[{"party": ann.id, "share": "1/1"}]))
    keys = client.ledger.state(NAMESPACE)
    assert {key.split("\x00")[1] for key in keys} == {
        "party",
        "parcel",
        "ownership",
        "encumbrances",
        "owner~parcel",
    }
    for key in keys:
        assert client.ledger.validation_parameter(key, namespace=NAMESPACE) == REGISTRY_POLICY
    policy = KeyEndorsementPolicy(REGISTRY_POLICY)
    assert (policy.list_orgs(), policy.role_of("RegistryMSP").value) == (["RegistryMSP"], "peer")


def test_values_are_canonical_json(client):
    ann = client.new_party()
    client.call("register_parcel", _parcel(1, 1000, owners=[{"party": ann.id, "share": "1/1"}]))
    for value in client.ledger.state(NAMESPACE).values():
        if value != b"\x01":
            document = json.loads(value)
            assert (
                value
                == json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
            )


def test_personal_data_goes_to_the_private_collection_only_and_can_be_purged(client):
    ann = client.new_party()
    public = client.ledger.state(NAMESPACE)
    details = {"name": "Ann de Vries", "address": "Vismarkt 1, Groningen", "bsn": "111222333"}
    assert (
        client.call("Parties:set_party_details", ann.id, transient={"details": json.dumps(details)}) is None
    )
    assert client.ledger.state(NAMESPACE) == public
    assert len(client.ledger.state(NAMESPACE, "personal")) == 1
    assert client.call("Parties:get_party_details", ann.id) == {**details, "kvk": None}
    client.refused(ErrorCode.NOT_REGISTRY, "Parties:get_party_details", ann.id, identity=OFFICER)
    client.refused(ErrorCode.INVALID_ARGUMENT, "Parties:set_party_details", ann.id)
    client.call("Parties:purge_party_details", ann.id)
    assert client.ledger.state(NAMESPACE, "personal") == {}
    assert client.call("Parties:get_party", ann.id)["id"] == ann.id


def test_roles_come_from_certificate_attributes(client):
    ann = client.new_party()
    client.call("register_parcel", _parcel(1, 1000, owners=[{"party": ann.id, "share": "1/1"}]))
    client.refused(
        ErrorCode.NOT_REGISTRY,
        "register_parcel",
        _parcel(2, 10, owners=[{"party": ann.id, "share": "1/1"}]),
        identity=OFFICER,
    )
    preemption = {"decision": "Raadsbesluit 2024-17"}
    client.refused(
        ErrorCode.FORBIDDEN, "Encumbrances:register_preemption", PARCEL, preemption, identity=CLERK
    )
    client.refused(ErrorCode.FORBIDDEN, "Encumbrances:register_preemption", PARCEL, preemption)
    right = client.call("Encumbrances:register_preemption", PARCEL, preemption, identity=OFFICER)
    assert right["decision"] == "Raadsbesluit 2024-17"


def test_refusals_reach_the_client_as_code_and_message_and_change_nothing(client):
    ann, bob = client.new_party(), client.new_party()
    message = client.refused(
        ErrorCode.SHARES_DO_NOT_SUM,
        "register_parcel",
        _parcel(1, 1000, owners=[{"party": ann.id, "share": "1/2"}]),
    )
    assert message == "SHARES_DO_NOT_SUM: owners' shares sum to 1/2, not 1"
    client.call("register_parcel", _parcel(1, 1000, owners=[{"party": ann.id, "share": "1/1"}]))
    client.call(
        "Encumbrances:register_attachment", PARCEL, {"creditor": "Belastingdienst", "reference": "W-1"}
    )
    terms = {"parcel_id": PARCEL, "sellers": [ann.id], "buyers": [{"party": bob.id, "share": "1/1"}]}
    client.refused(
        ErrorCode.ATTACHED,
        "Transfers:open_transfer",
        terms,
        [ann.sign(StatementType.TRANSFER_CONSENT, terms)],
    )
    client.refused(ErrorCode.NOT_FOUND, "get_parcel", "GNG00-K-9")
    client.refused(ErrorCode.INVALID_ARGUMENT, "list_parcels", 0)
    client.refused(
        ErrorCode.INVALID_ARGUMENT, "get_parcels_by_owner", ann.id, 10, "\x00parcel\x00GNG00-K-1\x00"
    )


def test_malformed_arguments_name_the_parameter(client):
    ann = client.new_party()
    message = client.refused(
        ErrorCode.INVALID_ARGUMENT,
        "register_parcel",
        _parcel(1, 1000, owners=[{"party": ann.id, "share": "0.5"}]),
    )
    assert message.startswith("INVALID_ARGUMENT: parameter 'registration':") and "owners.0.share" in message


def test_lists_page_with_bookmarks(client):
    ann = client.new_party()
    for number in range(1, 6):
        client.call("register_parcel", _parcel(number, 10, owners=[{"party": ann.id, "share": "1/1"}]))
    seen, bookmark = [], ""
    while True:
        page = client.call("list_parcels", 2, bookmark)
        seen += [f["parcel"]["id"] for f in page["items"]]
        if not (bookmark := page["bookmark"]):
            break
    assert seen == [f"GNG00-K-{n}" for n in range(1, 6)]


def test_metadata_lists_every_contract():
    contracts = chaincode.metadata["contracts"]
    assert {"Parcels", "Parties", "Transfers", "Encumbrances"} <= set(contracts)
    tags = {t["name"]: t["tag"] for t in contracts["Parcels"]["transactions"]}
    assert tags["register_parcel"] == ["submit"] and tags["get_parcel"] == ["evaluate"]
