"""The back office's transfer file (api/apps/office/settlements.py): a pain.001.001.03 that pays
each settlement named to its shop's IBAN from the municipality's account in the configuration,
valid against the schema; every settlement it cannot pay named (no IBAN, no tariff) and nothing
made; none without the municipality's account; each settlement paid audited; and the settlements
made through the gateway listed as the ledger has them."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import sepaxml
import xmlschema

from grootboek.api.auth.authenticate import CSRF_HEADER
from grootboek.api.config import ConfigError
from grootboek.api.store.audit import AuditQuery

from .conftest import config_for, make_gateway

DEBTOR = {"name": "Gemeente Groningen", "iban": "NL02 ABNA 0123 4567 89", "bic": "ABNANL2A"}
SHOPS = {"fietsenwinkel": "NL91ABNA0417164300", "sportwinkel": "NL20INGB0001234567", "zonder-iban": None}
XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


def settlement_id(number: int) -> str:
    return f"{number:064x}"


SETTLEMENTS = {settlement_id(1): ("fietsenwinkel", 4_500), settlement_id(2): ("sportwinkel", 12_000),
               settlement_id(3): ("zonder-iban", 100), settlement_id(4): ("fietsenwinkel", None)}


def _settlement(call) -> bytes:
    shop, cents = SETTLEMENTS[call.args[0]]
    return json.dumps({"id": call.args[0], "scheme_id": "zomer", "merchant_id": shop, "quantity": cents or 3,
                       "amount_cents": cents, "bank_reference": f"GRN-2026-11 {shop}", "status": "paid",
                       "unit": {"name": "eur-cent" if cents else "zwembad-entree", "tariff_cents": None}}).encode()


def _merchant(call) -> bytes:
    registration = {"name": call.args[0].title(), "kvk": "12345678", "categories": ["bicycles"]}
    if SHOPS[call.args[0]]:
        registration["iban"] = SHOPS[call.args[0]]
    return json.dumps({"id": call.args[0], "registration": registration, "status": "active"}).encode()


@pytest.fixture
def gateway(tmp_path, organisation):
    made = make_gateway(tmp_path, organisation, apps=["office"], office={"debtor": DEBTOR})
    made.invoker.answers.update({"get_settlement": _settlement, "get_merchant": _merchant})
    return made


def _officer(gateway):
    client = gateway.client()
    csrf = client.post("/office/session", json={"token": gateway.tokens["officer"]}).get_json()["csrf_token"]
    return client, {CSRF_HEADER: csrf}


def test_the_transfer_file_pays_each_settlement_to_its_shop_and_is_valid(gateway):
    client, csrf = _officer(gateway)
    answer = client.post("/office/settlements/transfer-file", headers=csrf, json={
        "settlement_ids": [settlement_id(1), settlement_id(2)], "execution_date": "2026-12-04"})
    assert answer.status_code == 200 and answer.mimetype == "application/xml", answer.get_data(as_text=True)
    assert "attachment" in answer.headers["Content-Disposition"]
    document = answer.get_data()
    xmlschema.XMLSchema(str(XSD)).validate(document.decode())
    root = ET.fromstring(document)
    assert root.findtext(".//p:Dbtr/p:Nm", namespaces=NS) == "Gemeente Groningen"
    assert root.findtext(".//p:DbtrAcct//p:IBAN", namespaces=NS) == "NL02ABNA0123456789"
    assert root.findtext(".//p:ReqdExctnDt", namespaces=NS) == "2026-12-04"
    paid = [(t.findtext(".//p:CdtrAcct//p:IBAN", namespaces=NS), t.findtext(".//p:InstdAmt", namespaces=NS),
             t.findtext(".//p:Ustrd", namespaces=NS), t.findtext(".//p:EndToEndId", namespaces=NS))
            for t in root.findall(".//p:CdtTrfTxInf", NS)]
    assert paid == [(SHOPS["fietsenwinkel"], "45.00", "GRN-2026-11 fietsenwinkel", settlement_id(1)[:35]),
                    (SHOPS["sportwinkel"], "120.00", "GRN-2026-11 sportwinkel", settlement_id(2)[:35])]
    assert root.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "165.00"
    audited = [(e.action, e.merchant_id, e.transaction_id) for e in gateway.services.audit.every(AuditQuery())
               if e.action == "office.transfer_file"]
    assert audited == [("office.transfer_file", "fietsenwinkel", settlement_id(1)),
                       ("office.transfer_file", "sportwinkel", settlement_id(2))]


def test_every_settlement_it_cannot_pay_is_named_and_no_file_is_made(gateway):
    client, csrf = _officer(gateway)
    answer = client.post("/office/settlements/transfer-file", headers=csrf, json={
        "settlement_ids": [settlement_id(1), settlement_id(3), settlement_id(4)]})
    assert answer.status_code == 422
    errors = {error["field"]: error["message"] for error in answer.get_json()["errors"]}
    assert "shop zonder-iban has no IBAN" in errors["body.settlement_ids.1"]
    assert "without a tariff" in errors["body.settlement_ids.2"] and len(errors) == 2
    assert [e for e in gateway.services.audit.every(AuditQuery()) if e.action == "office.transfer_file"] == []
    bad = client.post("/office/settlements/transfer-file", headers=csrf, json={"settlement_ids": ["x"]})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "body.settlement_ids.0"


def test_without_the_municipalitys_account_there_is_no_file(tmp_path, organisation):
    gateway = make_gateway(tmp_path, organisation, apps=["office"])
    client, csrf = _officer(gateway)
    answer = client.post("/office/settlements/transfer-file", headers=csrf,
                         json={"settlement_ids": [settlement_id(1)]})
    assert answer.status_code == 409 and "office.debtor" in answer.get_json()["message"]


def test_the_municipalitys_account_is_checked_when_the_gateway_starts(tmp_path):
    with pytest.raises(ConfigError, match=r"office\.debtor\.iban"):
        config_for(tmp_path, office={"debtor": DEBTOR | {"iban": "NL02ABNA0123456788"}})
    with pytest.raises(ConfigError, match=r"office\.debtor\.bic"):
        config_for(tmp_path, office={"debtor": DEBTOR | {"bic": "ABN"}})


def test_settlements_made_through_the_gateway_are_listed_as_the_ledger_has_them(gateway):
    trail = gateway.services.audit
    trail.record("officer", "budgets.settle", "/v1/budgets/settlements", 201, scheme_id="zomer",
                 merchant_id="fietsenwinkel", transaction_id=settlement_id(1))
    trail.record("officer", "budgets.settle", "/v1/budgets/settlements", 409, "NOTHING_TO_SETTLE",
                 scheme_id="zomer", merchant_id="sportwinkel")
    trail.record("officer", "budgets.settle", "/v1/budgets/settlements", 201, scheme_id="winter",
                 merchant_id="sportwinkel", transaction_id=settlement_id(2))
    client, _ = _officer(gateway)
    listed = client.get("/office/settlements").get_json()["settlements"]
    assert [s["id"] for s in listed] == [settlement_id(2), settlement_id(1)]
    assert [s["id"] for s in client.get("/office/settlements?scheme_id=zomer").get_json()["settlements"]] == [
        settlement_id(1)]


def test_every_registered_shop_is_listed_a_page_at_a_time(gateway):
    gateway.invoker.answers["list_merchants"] = lambda call: json.dumps({"items": [], "bookmark": ""}).encode()
    answer = gateway.client().get("/v1/budgets/merchants?page_size=50&bookmark=m5", headers=gateway.auth("officer"))
    assert answer.status_code == 200
    assert gateway.invoker.calls[-1][1].args == ("50", "m5")
