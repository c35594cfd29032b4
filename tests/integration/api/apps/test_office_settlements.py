"""Shops and settlements in the back office, in headless Chromium against a second gateway process
of the shared network's Municipality (its own configuration names the municipality's bank account;
it shares the first one's database and wallet, as a municipality's gateways do): an officer sees
every registered shop with its IBAN, settles the open receivables of every shop of a scheme after
payments at two shops, makes the SEPA transfer file, which validates against the pain.001 schema
and pays each shop what the ledger settled, and sees a shop's confirmation; settling one shop again
finds nothing open. Every screen passes axe."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import sepaxml
import xmlschema

from grootboek.network.nodes.readiness import wait_for

from ..budgets_world import IBANS, Holder, open_scheme
from ..commits import committed_on, synced_with
from ..conftest import another_instance
from .conftest import sign_in
from .test_office import fill

DEBTOR = {"name": "Gemeente Groningen", "iban": "NL02ABNA0123456789", "bic": "ABNANL2A"}
XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
PAID = {"fietsenwinkel": 4_500, "sportwinkel": 2_000}


@pytest.fixture(scope="module")
def bank_gateway(shops, tmp_path_factory):
    """A second Municipality gateway whose configuration adds `office.debtor`; stopped at the end."""
    with another_instance(shops["Municipality"], tmp_path_factory.mktemp("bank-gateway"),
                          {"office": {"debtor": DEBTOR}}) as gateway:
        yield gateway


@pytest.fixture(scope="module")
def desk(shops, bank_gateway, launch_browser):
    officer = bank_gateway.client("officer")
    tills = {shop: shops["Merchants"].client(shop) for shop in PAID}
    scheme = open_scheme(officer, tills["fietsenwinkel"])
    for shop, amount in PAID.items():
        holder = Holder(officer, scheme, tills[shop])
        paid = tills[shop].post("/v1/budgets/payments", {"budget_id": holder.budget_id, "amount": amount,
                                                          "category": {"fietsenwinkel": "bicycles",
                                                                       "sportwinkel": "sports"}[shop],
                                                          "code": holder.code()})
        assert paid.status_code == 201, paid.text
        committed_on(officer, "kindpakket", paid)
    office = launch_browser(bank_gateway)
    office.open("/office/")
    sign_in(office, bank_gateway.tokens["officer"])
    return {"browser": office, "officer": officer, "tills": tills, "scheme": scheme}


def downloaded(browser, link, folder: Path) -> str:
    """Clicks the download link as a user does and waits for the browser to have saved the whole file."""
    browser.driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    link.click()
    name = link.get_attribute("download")
    saved = folder / name
    wait_for(lambda: saved.exists() and not (folder / f"{name}.crdownload").exists(), f"{name} downloaded")
    return saved.read_text()


def test_every_registered_shop_is_listed_with_its_iban(desk):
    office = desk["browser"]
    office.element('.tab[data-tab="merchants"]').click()
    for shop, iban in IBANS.items():
        row = office.visible(f'#merchants-lines tr[data-merchant="{shop}"]')
        assert iban in row.text and "actief" in row.text
    office.check_page("office-merchants")


def test_an_officer_settles_every_shop_of_a_scheme_and_downloads_a_valid_transfer_file(desk, tmp_path):
    office, officer, scheme = desk["browser"], desk["officer"], desk["scheme"]
    office.element('.tab[data-tab="settlements"]').click()
    fill(office, {"settle-scheme": scheme, "settle-reference": "GRN-2026-11"})
    office.element("#settle-run").click()
    office.text_of("#settle-status", "2 winkels afgerekend; bij 0 stond niets open.")
    synced_with(desk["tills"]["fietsenwinkel"], officer, "kindpakket")  # a till confirms one below
    rows = office.driver.find_elements("css selector", "#settlements-lines tr")
    assert len(rows) == 2 and {row.get_attribute("data-status") for row in rows} == {"paid"}
    settled = {}
    for row in rows:
        settlement = officer.get(f"/v1/budgets/settlements/{row.get_attribute('data-settlement')}").json()
        settled[settlement["merchant_id"]] = settlement
    assert {shop: s["amount_cents"] for shop, s in settled.items()} == PAID
    assert settled["sportwinkel"]["bank_reference"] == "GRN-2026-11 sportwinkel"
    office.check_page("office-settlements")

    fill(office, {"transfer-date": "2026-12-07"})
    office.element("#transfer-make").click()
    link = office.visible("#transfer-file")
    document = downloaded(office, link, tmp_path)
    xmlschema.XMLSchema(str(XSD)).validate(document)
    root = ET.fromstring(document)
    assert root.findtext(".//p:DbtrAcct//p:IBAN", namespaces=NS) == DEBTOR["iban"]
    transfers = {t.findtext(".//p:CdtrAcct//p:IBAN", namespaces=NS): t.findtext(".//p:InstdAmt", namespaces=NS)
                 for t in root.findall(".//p:CdtTrfTxInf", NS)}
    assert transfers == {IBANS[shop]: f"{cents / 100:.2f}" for shop, cents in PAID.items()}
    assert root.findtext(".//p:ReqdExctnDt", namespaces=NS) == "2026-12-07"
    office.text_of("#settle-status", "Het betaalbestand voor 2 afrekeningen is gecontroleerd en klaar.")
    office.check_page("office-transfer-file")

    confirmed = desk["tills"]["fietsenwinkel"].post(
        f"/v1/budgets/settlements/{settled['fietsenwinkel']['id']}/confirm")
    assert confirmed.status_code == 200, confirmed.text
    committed_on(officer, "kindpakket", confirmed)
    office.element("#settle-list").click()
    office.text_of(f'#settlements-lines tr[data-settlement="{settled["fietsenwinkel"]["id"]}"]',
                   "bevestigd door de winkel")

    fill(office, {"settle-shop": "fietsenwinkel", "settle-reference": "GRN-2026-12"})
    office.element("#settle-run").click()
    office.text_of("#settle-status", "0 winkels afgerekend; bij 1 stond niets open.")
    assert office.element("#transfer").get_attribute("hidden") is not None  # nothing new to pay
