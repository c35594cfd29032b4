"""The registry's parcel viewer in headless Chromium against the shared network's Registry gateway,
as a registry clerk and a notary use it. Over the REST API a parcel is registered with owners in
thirds, Ann's two thirds are transferred to Cas, a bank's mortgage is registered and the parcel is
split in two, each part with its own address; one part gets a leasehold and the municipality's
attachment, on the other the municipality registers its pre-emption right and Bob opens a sale of
his third to Ann that she has not accepted yet. In the browser the clerk finds the parts by their
owner, by postcode and house number, and by the start of their street (the retired parcel's address
is no longer found: its parts are), opens the split parcel
(its last owners, its history, its lineage), follows the diagram to a part (owners, mortgage,
pre-emption right, history), asks who owned it on a date, and opens the transfer in progress: the
seller's consent is given, the buyer's acceptance and the municipality's waiver are missing; the
other part shows its leasehold and attachment. What the screens say is checked against the ledger
through the REST API; every screen passes axe and is saved as a screenshot."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from grootboek.chaincode.registry.domain.statements import StatementType

from ..commits import committed_on
from ..parties import Party, accept_transfer, designation, open_transfer, parcel_id
from .conftest import sign_in


@pytest.fixture(scope="module")
def world(gateways, launch_browser):
    registrar = gateways["Registry"].client("registrar")
    officer = gateways["Municipality"].client("officer")
    ann, bob, cas, bank = (Party(registrar) for _ in range(4))
    land = designation()
    parcel = parcel_id(land)
    created = registrar.post("/v1/registry/parcels", {
        "designation": land, "area_m2": 1000, "address": "Hoofdstraat 1, 9801 AA Zuidhorn",
        "owners": [{"party": ann.id, "share": "2/3"}, {"party": bob.id, "share": "1/3"}]})
    assert created.status_code == 201, created.text

    sale = {"parcel_id": parcel, "sellers": [ann.id], "buyers": [{"party": cas.id, "share": "2/3"}],
            "price_cents": 30_000_000}
    sold = open_transfer(registrar, sale, [ann])
    accept_transfer(registrar, sold, parcel, [cas])
    assert registrar.post(f"/v1/registry/transfers/{sold}/record").status_code == 200

    mortgage = {"lender": bank.id, "amount_cents": 25_000_000, "rank": 1}
    signed = bank.sign(StatementType.MORTGAGE_REGISTRATION, {"parcel_id": parcel, **mortgage})
    registered = registrar.post(f"/v1/registry/parcels/{parcel}/mortgages", {"terms": mortgage, "signature": signed})
    assert registered.status_code == 201, registered.text

    parts = [{"designation": designation(), "area_m2": 600, "address": "Hoofdstraat 1a, 9801 AA Zuidhorn"},
             {"designation": designation(), "area_m2": 400, "address": "Hoofdstraat 1b, 9801 AA Zuidhorn"}]
    split = registrar.post(f"/v1/registry/parcels/{parcel}/split", {"parts": parts})
    assert split.status_code == 201, split.text
    first, second = (parcel_id(part["designation"]) for part in parts)
    committed_on(officer, "kadaster", split)  # the municipality's peer endorses the next step first

    preemption = officer.put(f"/v1/registry/parcels/{first}/preemption", {"decision": "Raadsbesluit 2026-41"})
    assert preemption.status_code == 201, preemption.text
    committed_on(registrar, "kadaster", preemption)  # the registry's peer endorses the next step
    leasehold = {"kind": "leasehold", "holder": ann.id, "starts": "2027-01-01", "ends": None}
    statement = {"parcel_id": second, **leasehold}
    granted = registrar.post(f"/v1/registry/parcels/{second}/limited-rights", {
        "terms": leasehold, "signatures": [party.sign(StatementType.LIMITED_RIGHT_GRANT, statement)
                                           for party in (cas, bob, ann)]})
    assert granted.status_code == 201, granted.text
    attached = officer.post(f"/v1/registry/parcels/{second}/attachments",
                            {"creditor": "Gemeente Groningen", "reference": "OZB-2026-12"})
    assert attached.status_code == 201, attached.text
    committed_on(registrar, "kadaster", attached)

    pending = {"parcel_id": first, "sellers": [bob.id], "buyers": [{"party": ann.id, "share": "1/3"}],
               "price_cents": None}
    pending_id = open_transfer(registrar, pending, [bob])

    browser = launch_browser(gateways["Registry"])
    browser.open("/registry/")
    browser.visible("#token")
    browser.check_page("registry-sign-in")
    sign_in(browser, gateways["Registry"].tokens["registrar"])
    return {"registrar": registrar, "browser": browser, "ann": ann, "bob": bob, "cas": cas, "bank": bank,
            "parcel": parcel, "parts": (first, second), "sold": sold, "pending": pending_id}


def table(browser, css: str) -> list[list[str]]:
    """The rows' cells as shown (number formats put no-break spaces in them)."""
    return [[cell.text.replace("\u00a0", " ") for cell in line.find_elements("css selector", "td")]
            for line in browser.element(css).find_elements("css selector", "tr")]


def scroll_to(browser, element_id: str) -> None:
    """Brings the element into the window, for the screenshot."""
    browser.driver.execute_script("document.getElementById(arguments[0]).scrollIntoView()", element_id)


def choose_date(browser, day: str) -> None:
    """Asks for the owners at the end of `day` (set as typed: typing a date depends on the locale)."""
    browser.driver.execute_script("document.getElementById('at-date').value = arguments[0];", day)
    browser.element("#owners-at button").click()


def search(browser, text: str) -> None:
    """Types `text` into the one search box and searches."""
    browser.visible("#search-text").clear()
    browser.element("#search-text").send_keys(text)
    browser.element("#find button").click()


def test_a_clerk_finds_the_parcels_of_an_owner(world):
    browser, cas = world["browser"], world["cas"]
    browser.visible("#search-heading")
    browser.check_page("registry-search")
    search(browser, cas.id)
    browser.text_of("#search-status", "2 percelen gevonden.")
    lines = table(browser, "#results-lines")
    assert sorted(line[0] for line in lines) == sorted(world["parts"])
    assert all(line[3] == "in gebruik" and f"{cas.id} (2/3)" in line[4] for line in lines)
    browser.check_page("registry-search-results")


def test_a_clerk_finds_a_part_by_postcode_and_house_number(world):
    browser, (first, second) = world["browser"], world["parts"]
    search(browser, "9801aa, 1B")
    browser.text_of("#results-caption", "9801aa, 1B")
    browser.wait(lambda driver: len(table(browser, "#results-lines")) == 1, "the part was not listed alone")
    assert [line[:2] for line in table(browser, "#results-lines")] == [[second, "Hoofdstraat 1b, 9801 AA Zuidhorn"]]
    search(browser, "9801 AA 1")  # number 1 with any addition; the retired parcel at number 1 is not in use
    browser.text_of("#results-caption", "9801 AA 1")
    browser.text_of("#search-status", "2 percelen gevonden.")
    assert [line[:2] for line in table(browser, "#results-lines")] == [
        [first, "Hoofdstraat 1a, 9801 AA Zuidhorn"], [second, "Hoofdstraat 1b, 9801 AA Zuidhorn"]]
    assert world["parcel"] not in browser.element("#results").text
    scroll_to(browser, "results")
    browser.check_page("registry-search-postcode")


def test_a_clerk_finds_the_parts_after_the_split_by_the_start_of_their_street(world):
    browser, registrar, (first, second) = world["browser"], world["registrar"], world["parts"]
    search(browser, "Hoofdstr")
    browser.text_of("#results-caption", "Hoofdstr")
    browser.wait(lambda driver: len(table(browser, "#results-lines")) == 2, "the two parts were not listed")
    lines = table(browser, "#results-lines")
    ledger = registrar.get("/v1/registry/parcels/by-address", params={"address": "hoofdstraat 1 zuidhorn"}).json()
    assert [line[0] for line in lines] == [file["parcel"]["id"] for file in ledger["items"]] == [first, second]
    assert [line[1] for line in lines] == [file["parcel"]["address"] for file in ledger["items"]]
    assert all(line[3] == "in gebruik" for line in lines)
    scroll_to(browser, "results")
    browser.check_page("registry-search-street")

    search(browser, "12")
    browser.text_of("#search-error", "Dat is geen adres")
    assert browser.element("#results").is_displayed() is False
    browser.open("/registry/?lang=en")
    search(browser, "Hoofdstr, Zuidhorn")
    browser.text_of("#results-caption", "Parcels in use at Hoofdstr, Zuidhorn")
    browser.text_of("#search-status", "2 parcels found.")
    scroll_to(browser, "results")
    browser.check_page("registry-search-street-en")
    browser.open("/registry/?lang=nl")


def test_the_split_parcel_shows_its_last_owners_history_and_lineage(world):
    browser, parcel, (first, second) = world["browser"], world["parcel"], world["parts"]
    search(browser, parcel.lower())
    browser.text_of("#parcel-heading", parcel)
    assert "vervallen" in browser.visible("#parcel-facts").text
    ledger = world["registrar"].get(f"/v1/registry/parcels/{parcel}").json()
    shown = table(browser, "#owners-lines")
    assert shown == [[owner["party"], owner["share"]] for owner in ledger["ownership"]["owners"]]
    assert sorted(shown) == sorted([[world["cas"].id, "2/3"], [world["bob"].id, "1/3"]])

    history = browser.text_of("#history", "Vervallen")
    entries = browser.element("#history").find_elements("css selector", "li")
    assert [entry.find_element("css selector", "strong").text for entry in entries] == [
        "Eerste inschrijving", f"Overdracht {world['sold']}", f"Vervallen: gaat verder als {first}, {second}"]
    assert f"{world['ann'].id} (2/3)" in history
    drawing = browser.wait(lambda driver: driver.find_element("css selector", "#lineage svg"))
    assert browser.element("#lineage-desc").get_attribute("textContent") == (
        f"{parcel} is ingeschreven als nieuw perceel. Het is gesplitst in percelen {first}, {second}.")
    assert [link.get_dom_attribute("href") for link in drawing.find_elements("css selector", "a")] == [
        f"#/parcels/{first}", f"#/parcels/{second}"]
    browser.check_page("registry-parcel-split")
    scroll_to(browser, "lineage")
    browser.screenshot("registry-parcel-split-lineage")

    choose_date(browser, ledger["parcel"]["retired_at"][:10])  # the end of that day: after the split
    assert first in browser.text_of("#at-error", "vervallen")


def test_a_part_shows_its_owners_rights_history_and_owners_on_a_date(world):
    browser, (first, _) = world["browser"], world["parts"]
    browser.element(f'#lineage a[href="#/parcels/{first}"]').click()
    browser.text_of("#parcel-heading", first)
    browser.text_of("#history", "Ontstaan door splitsing")
    ledger = world["registrar"].get(f"/v1/registry/parcels/{first}").json()
    assert table(browser, "#owners-lines") == [[o["party"], o["share"]] for o in ledger["ownership"]["owners"]]
    assert table(browser, "#mortgages-lines") == [["1", world["bank"].id, "€ 250.000,00",
                                                   table(browser, "#mortgages-lines")[0][3]]]
    assert "Raadsbesluit 2026-41" in browser.visible("#preemption").text
    assert world["pending"] in browser.element("#parcel-facts").text
    assert [e.find_element("css selector", "strong").text
            for e in browser.element("#history").find_elements("css selector", "li")] == [
        f"Ontstaan door splitsing van {world['parcel']}"]
    assert browser.element("#lineage-desc").get_attribute("textContent") == (
        f"{first} is afgesplitst van perceel {world['parcel']}.")
    browser.check_page("registry-parcel")

    created = date.fromisoformat(ledger["parcel"]["registered_at"][:10])
    for day, expected in ((created - timedelta(days=1), None), (created, ledger["ownership"]["owners"])):
        choose_date(browser, day.isoformat())
        if expected is None:
            browser.text_of("#at-error", "Niet gevonden")
        else:
            browser.visible("#at-owners")
            assert table(browser, "#at-owners tbody") == [[o["party"], o["share"]] for o in expected]
    browser.check_page("registry-owners-on-a-date")


def test_a_notary_sees_which_consents_a_transfer_has_and_lacks(world):
    browser, bob, ann = world["browser"], world["bob"], world["ann"]
    browser.element(f'#parcel-facts a[href="#/transfers/{world["pending"]}"]').click()
    browser.text_of("#transfer-verdict", "Ontbreekt: 2 van 3 toestemmingen.")
    progress = world["registrar"].get(f"/v1/registry/transfers/{world['pending']}/progress").json()
    assert [(c["by"], c["given_at"] is None) for c in progress["consents"]] == [
        (bob.id, False), (ann.id, True), ("MunicipalityMSP", True)]
    lines = table(browser, "#consents-lines")
    assert [(line[0], line[1]) for line in lines] == [
        (bob.id, "Toestemming van de verkoper"), (ann.id, "Aanvaarding door de koper"),
        ("De gemeente (MunicipalityMSP)", "Afstand van het voorkeursrecht door de gemeente")]
    assert lines[0][2].startswith("Gegeven op") and [line[2] for line in lines[1:]] == ["Ontbreekt", "Ontbreekt"]
    browser.check_page("registry-transfer")

    browser.open(f"/registry/?lang=en#/transfers/{world['pending']}")
    browser.text_of("#transfer-verdict", "Missing: 2 of 3 consents.")
    assert [line[2] for line in table(browser, "#consents-lines")][1:] == ["Missing", "Missing"]
    browser.check_page("registry-transfer-en")


def test_the_other_part_shows_its_leasehold_and_attachment(world):
    browser, (_, second), ann = world["browser"], world["parts"], world["ann"]
    browser.open(f"/registry/?lang=nl#/parcels/{second}")
    browser.text_of("#parcel-heading", second)
    assert browser.visible("#limited-rights-lines").text.replace("\u00a0", " ") == (
        f"Erfpacht {ann.id} vanaf 1 januari 2027, voor onbepaalde tijd")
    assert table(browser, "#attachments-lines")[0][:2] == ["Gemeente Groningen", "OZB-2026-12"]
    assert len(table(browser, "#mortgages-lines")) == 1 and browser.element("#rights-none").is_displayed() is False
    scroll_to(browser, "mortgages")
    browser.check_page("registry-parcel-rights")
