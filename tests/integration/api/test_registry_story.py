"""The land registry's whole story over HTTP: parties, a parcel, a transfer with the
municipality's pre-emption waiver, a mortgage, an attachment, a split, and the history."""
from __future__ import annotations

from grootboek.chaincode.registry.domain.statements import StatementType

from .commits import committed_on
from .parties import Party, accept_transfer, designation, open_transfer, parcel_id


def test_register_transfer_encumber_split_and_read_the_history(gateways):
    registrar = gateways["Registry"].client("registrar")
    officer = gateways["Municipality"].client("officer")
    ann, bob, bank = Party(registrar), Party(registrar), Party(registrar)

    land = designation()
    parcel = parcel_id(land)
    created = registrar.post("/v1/registry/parcels", {"designation": land, "area_m2": 1000,
                                                      "owners": [{"party": ann.id, "share": "1/1"}]})
    assert created.status_code == 201, created.text
    assert created.headers["X-Transaction-Id"]
    assert created.json()["parcel"]["id"] == parcel
    committed_on(officer, "kadaster", created)  # the municipality's peer endorses the next step first

    preemption = officer.put(f"/v1/registry/parcels/{parcel}/preemption",
                             {"decision": "Raadsbesluit 2024-17"})
    assert preemption.status_code == 201, preemption.text

    terms = {"parcel_id": parcel, "sellers": [ann.id], "buyers": [{"party": bob.id, "share": "1/1"}],
             "price_cents": 42_500_000}
    transfer = open_transfer(registrar, terms, [ann])
    assert accept_transfer(registrar, transfer, parcel, [bob])["status"] == "accepted"

    refused = registrar.post(f"/v1/registry/transfers/{transfer}/record")
    assert (refused.status_code, refused.json()["code"]) == (409, "PREEMPTION_NOT_WAIVED")
    waived = officer.post(f"/v1/registry/transfers/{transfer}/waive-preemption")
    assert waived.status_code == 200
    status = committed_on(registrar, "kadaster", waived)  # the municipality's peer had it; now ours
    assert status["valid"] and status["validation_code"] == "VALID" and status["block_number"] > 0
    recorded = registrar.post(f"/v1/registry/transfers/{transfer}/record")
    assert recorded.json()["ownership"]["owners"] == [{"party": bob.id, "share": "1/1"}]

    mortgage = {"lender": bank.id, "amount_cents": 30_000_000, "rank": 1}
    signed = bank.sign(StatementType.MORTGAGE_REGISTRATION, {"parcel_id": parcel, **mortgage})
    registered = registrar.post(f"/v1/registry/parcels/{parcel}/mortgages",
                                {"terms": mortgage, "signature": signed})
    assert registered.status_code == 201, registered.text

    attachment = officer.post(f"/v1/registry/parcels/{parcel}/attachments",
                              {"creditor": "Gemeente", "reference": "OZB-2024-7"})
    assert attachment.status_code == 201, attachment.text
    lifted = officer.delete(f"/v1/registry/parcels/{parcel}/attachments/{attachment.json()['id']}")
    assert lifted.status_code == 204, lifted.text
    committed_on(registrar, "kadaster", lifted)

    parts = [{"designation": designation(), "area_m2": 600}, {"designation": designation(), "area_m2": 400}]
    children = registrar.post(f"/v1/registry/parcels/{parcel}/split", {"parts": parts})
    assert children.status_code == 201, children.text
    assert [len(child["encumbrances"]["mortgages"]) for child in children.json()] == [1, 1]
    committed_on(officer, "kadaster", children)  # read below through the municipality's peer

    history = officer.get(f"/v1/registry/parcels/{parcel}/history", params={"page_size": 10}).json()
    assert [entry["ownership"]["owners"][0]["party"] for entry in history["items"]] == [ann.id, bob.id]
    first = history["items"][0]["timestamp"]
    at = officer.get(f"/v1/registry/parcels/{parcel}/ownership", params={"at": first}).json()
    assert at["ownership"]["version"] == 1
    owned = officer.get(f"/v1/registry/parties/{bob.id}/parcels", params={"page_size": 10}).json()
    children_ids = sorted(parcel_id(part["designation"]) for part in parts)
    assert sorted(file["parcel"]["id"] for file in owned["items"]) == children_ids
    assert officer.get(f"/v1/registry/parcels/{parcel}").json()["parcel"]["status"] == "retired"

