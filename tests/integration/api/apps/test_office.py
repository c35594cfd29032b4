"""The municipality's back office in headless Chromium against the shared network's Municipality
gateway, as an officer uses it: creates a scheme, amends it while a draft and opens it, admits a
shop, imports a CSV file of 50 beneficiaries with bad rows (reported by line and field, not
issued), issues the rest with a progress bar, prints one letter per page, and imports the file
again without issuing anything twice; loses the connection midway through a second file and runs it
again to finish it; issues one budget from the form, tops it up and revokes it. What the screens
say is checked against the ledger through the REST API, with budget ids derived from the gateway's
own citizen-number key. A user without the officer role is offered no changes. Every screen passes
axe and is saved as a screenshot."""
from __future__ import annotations

import base64
import re
import secrets

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from selenium.webdriver.support.ui import WebDriverWait

from grootboek.api.apps.office import KEY_FILE
from grootboek.api.apps.office.beneficiaries import CitizenKey, valid_bsn
from grootboek.api.config import load as load_config
from grootboek.chaincode.signing import public_key_pem

from .conftest import sign_in

SHOP = "fietsenwinkel"
GOOD = 45
BAD_LINES = {47: "bsn", 48: "naam", 49: "postcode", 50: "bsn", 51: ""}
"""Line (the header is line 1) and the field each bad row is reported for."""
LATENCY_MS = 1500


def citizen_numbers(count: int) -> list[str]:
    """`count` different valid citizen numbers, new for each run (the ledger keeps old ones)."""
    found: list[str] = []
    while len(found) < count:
        candidate = str(secrets.randbelow(900_000_000) + 100_000_000)
        if valid_bsn(candidate) and candidate not in found:
            found.append(candidate)
    return found


@pytest.fixture(scope="module")
def world(shops, launch_browser, tmp_path_factory):
    municipality = shops["Municipality"]
    numbers = citizen_numbers(GOOD)
    rows = [f"{number};Deelnemer {i};Straat {i};9711 AB;Groningen" for i, number in enumerate(numbers, 1)]
    rows += ["123456789;Foute BSN;Straat;9711 AB;Groningen", f"{citizen_numbers(1)[0]};;Straat;9711 AB;Groningen",
             f"{citizen_numbers(1)[0]};Foute postcode;Straat;97;Groningen",
             f"{numbers[0]};Dubbel;Straat;9711 AB;Groningen", "111222333;Te kort"]
    csv = tmp_path_factory.mktemp("office") / "deelnemers.csv"
    csv.write_text("bsn;naam;adres;postcode;woonplaats\n" + "\n".join(rows) + "\n", encoding="utf-8")
    office = launch_browser(municipality)
    office.open("/office/")
    office.visible("#token")
    office.check_page("office-sign-in")
    sign_in(office, municipality.tokens["officer"])
    return {"officer": municipality.client("officer"), "browser": office, "csv": csv, "numbers": numbers,
            "scheme": f"office-{secrets.token_hex(4)}", "data_dir": load_config(municipality.config_path).data_dir}


def fill(browser, values: dict[str, str]) -> None:
    """Sets fields as typed (dates too, whose typing depends on the browser's locale)."""
    for field, value in values.items():
        browser.driver.execute_script("const f = document.getElementById(arguments[0]); f.value = arguments[1];"
                                      "f.dispatchEvent(new Event('input', {bubbles: true}));", field, value)


def budget_ids(world) -> list[str]:
    key = CitizenKey.load(world["data_dir"] / KEY_FILE)
    return [key.budget_id(world["scheme"], number) for number in world["numbers"]]


def test_an_officer_creates_amends_and_opens_a_scheme_and_admits_a_shop(world):
    office, officer, scheme = world["browser"], world["officer"], world["scheme"]
    office.element("#scheme-new").click()
    office.visible("#scheme-form")
    fill(office, {"scheme-id": scheme, "scheme-name": "Kindpakket (concept)", "scheme-starts": "2026-01-01",
                  "scheme-ends": "2031-01-01", "scheme-amount": "250", "scheme-max": "200,00",
                  "scheme-categories": "bicycles, sports", "scheme-caps": "sports = 50"})
    office.check_page("office-scheme-form")
    office.element("#scheme-save").click()
    office.text_of("#schemes-status", f"Regeling {scheme} is aangemaakt als concept.")
    office.element("#scheme-amend").click()
    assert office.visible("#scheme-categories").get_attribute("value") == "bicycles, sports"
    assert office.element("#scheme-caps").get_attribute("value") == "sports = 50,00"
    fill(office, {"scheme-name": "Kindpakket Groningen"})
    office.element("#scheme-save").click()
    office.text_of("#schemes-status", "zijn gewijzigd")
    office.element("#scheme-open").click()
    office.text_of("#schemes-status", f"Regeling {scheme} is geopend.")
    stored = officer.get(f"/v1/budgets/schemes/{scheme}").json()
    assert stored["status"] == "open" and stored["terms"]["name"] == "Kindpakket Groningen"
    assert (stored["terms"]["amount_per_beneficiary"], stored["terms"]["max_per_payment"],
            stored["terms"]["category_caps"]) == (25_000, 20_000, {"sports": 5_000})
    assert office.text_of("#scheme-facts", "Status") and "open" in office.element("#scheme-facts").text
    assert not office.element("#scheme-open").is_displayed()

    fill(office, {"shop-id": SHOP})
    office.element("#shop-find button").click()
    assert "actief" in office.visible("#shop-facts").text
    office.check_page("office-scheme-shop")
    office.element("#shop-admit").click()
    office.text_of("#shops-lines", SHOP)
    places = officer.get(f"/v1/budgets/schemes/{scheme}/places").json()["places"]
    assert [place["merchant_id"] for place in places] == [SHOP]
    office.check_page("office-scheme-open")


def run_import(office) -> str:
    """Checks the chosen file, issues its good rows and returns the summary when done."""
    office.element('.tab[data-tab="import"]').click()
    office.element("#import-check").click()
    office.wait(lambda driver: driver.find_element("css selector", "#import-run").is_enabled(),
                "the dry run never allowed issuing")
    office.element("#import-run").click()
    return office.text_of("#import-summary", "Klaar")


def test_a_csv_file_is_checked_issued_printed_and_never_issued_twice(world):
    office, officer, scheme = world["browser"], world["officer"], world["scheme"]
    office.element('.tab[data-tab="import"]').click()
    office.visible("#import-file").send_keys(str(world["csv"]))
    office.element("#import-check").click()
    office.text_of("#import-summary", f"{GOOD} regels zijn in orde; 5 regels hebben fouten")
    reported = [tuple(cell.text for cell in row.find_elements("css selector", "td")[:2])
                for row in office.driver.find_elements("css selector", "#problems-lines tr")]
    assert reported == [(str(line), field) for line, field in BAD_LINES.items()]
    assert "Hetzelfde BSN als regel 2." in office.element('#problems-lines tr[data-line="50"]').text
    office.check_page("office-import-checked")
    ids = budget_ids(world)
    assert officer.get(f"/v1/budgets/budgets/{ids[0]}/balance").status_code == 404  # a dry run issues nothing

    office.element("#import-run").click()
    progress = office.element("#import-progress")
    assert office.text_of("#import-summary", "Klaar") == (f"Klaar: {GOOD} uitgegeven, 0 waren al eerder "
                                                          f"uitgegeven, 0 niet uitgegeven.")
    assert progress.get_attribute("value") == progress.get_attribute("max") == str(GOOD)
    office.check_page("office-import-done")
    for budget_id in ids:
        balance = officer.get(f"/v1/budgets/budgets/{budget_id}/balance").json()
        assert (balance["scheme_id"], balance["granted"]) == (scheme, 25_000), budget_id

    letters = office.driver.find_elements("css selector", "article.letter")
    assert sorted(letter.get_attribute("data-budget") for letter in letters) == sorted(ids)
    assert "Beste Deelnemer 1," in letters[0].text and "€ 250,00" in letters[0].text
    office.driver.execute_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
    office.element("#letters-print").click()
    assert office.driver.execute_script("return window.__printed") == 1
    pdf = base64.b64decode(office.driver.execute_cdp_cmd("Page.printToPDF", {})["data"])
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == GOOD  # one page per letter, nothing of the screen
    office.driver.execute_script("document.querySelector('article.letter').scrollIntoView()")
    office.check_page("office-letters")

    # The letter's QR code activates its budget (as the wallet does after scanning it).
    qr = letters[0].get_attribute("data-qr")
    _, budget_id, secret = qr.split(":")
    phone = public_key_pem(ec.generate_private_key(ec.SECP256R1()))
    activated = officer.post("/v1/budgets/activations", {"budget_id": budget_id, "secret": secret,
                                                          "holder_key": phone})
    assert activated.status_code == 200 and activated.json()["activated"], activated.text

    assert run_import(office) == (f"Klaar: 0 uitgegeven, {GOOD} waren al eerder uitgegeven, "
                                  f"0 niet uitgegeven.")
    assert office.driver.find_elements("css selector", "article.letter") == []
    report = officer.get(f"/v1/budgets/schemes/{scheme}/report", params={"page_size": 100}).json()
    assert (report["totals"]["beneficiaries"], report["totals"]["granted"]) == (GOOD, GOOD * 25_000)
    office.check_page("office-import-again")


def network(browser, offline: bool, latency: int = 0) -> None:
    """The browser's own network, as Chromium's DevTools emulate it: slower, or gone."""
    browser.driver.execute_cdp_cmd("Network.enable", {})
    browser.driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": offline, "latency": latency, "downloadThroughput": -1, "uploadThroughput": -1})


def outcomes(office) -> dict[int, str]:
    return {int(row.get_attribute("data-line")): row.get_attribute("data-outcome")
            for row in office.driver.find_elements("css selector", "#results-lines tr")}


def test_a_connection_lost_midway_leaves_the_list_and_the_file_run_again_finishes(world, tmp_path):
    office, officer, scheme = world["browser"], world["officer"], world["scheme"]
    numbers = citizen_numbers(20)
    csv = tmp_path / "tweede.csv"
    csv.write_text("bsn,naam\n" + "".join(f"{number},Tweede {i}\n" for i, number in enumerate(numbers)))
    key = CitizenKey.load(world["data_dir"] / KEY_FILE)
    ids = {line: key.budget_id(scheme, number) for line, number in enumerate(numbers, 2)}
    office.element('.tab[data-tab="import"]').click()
    office.element("#import-file").send_keys(str(csv))
    office.element("#import-check").click()
    office.text_of("#import-summary", "20 regels zijn in orde; 0 regels hebben fouten")
    network(office, offline=False, latency=LATENCY_MS)  # each row takes longer than the wait below polls
    try:
        office.element("#import-run").click()
        WebDriverWait(office.driver, 60, poll_frequency=0.02).until(
            lambda driver: int(driver.find_element("css selector", "#import-progress").get_attribute("value")) >= 1,
            "the import never got going")
        network(office, offline=True)
        office.text_of("#import-summary", "Klaar")
    finally:
        network(office, offline=False)
    first = outcomes(office)
    issued = sorted(line for line, outcome in first.items() if outcome == "issued")
    failed = sorted(line for line, outcome in first.items() if outcome == "failed")
    assert issued and failed and len(issued) + len(failed) == 20, first  # the connection went midway
    assert "Geen verbinding" in office.element(f'#results-lines tr[data-line="{failed[0]}"]').text
    assert len(office.driver.find_elements("css selector", "article.letter")) == len(issued)
    for line in issued:
        assert officer.get(f"/v1/budgets/budgets/{ids[line]}/balance").status_code == 200, line
    office.check_page("office-import-interrupted")

    summary = run_import(office)
    counts = [int(number) for number in re.findall(r"\d+", summary)]
    again = outcomes(office)
    assert counts[2] == 0 and counts[0] + counts[1] == 20, summary
    assert all(again[line] == "earlier" for line in issued) and counts[1] >= len(issued), again
    for budget_id in ids.values():
        balance = officer.get(f"/v1/budgets/budgets/{budget_id}/balance").json()
        assert balance["granted"] == 25_000, balance


def test_one_budget_is_issued_topped_up_and_revoked(world):
    office, officer = world["browser"], world["officer"]
    number = citizen_numbers(1)[0]
    office.element('.tab[data-tab="budgets"]').click()
    fill(office, {"one-bsn": number, "one-name": "Eva Jansen", "one-postcode": "9712 cd"})
    office.element("#one-form button").click()
    assert office.text_of("#import-summary", "Klaar").startswith("Klaar: 1 uitgegeven, 0 waren")
    letter = office.element("article.letter")
    budget_id = CitizenKey.load(world["data_dir"] / KEY_FILE).budget_id(world["scheme"], number)
    assert letter.get_attribute("data-budget") == budget_id and "9712 CD" in letter.text
    office.element('.tab[data-tab="budgets"]').click()
    fill(office, {"budget-id": budget_id})
    office.element("#budget-find button").click()
    office.text_of("#budget-facts", "€ 250,00")
    fill(office, {"top-up-amount": "12,50"})
    office.element("#top-up-form button").click()
    office.text_of("#budget-status", "is opgehoogd")
    assert "€ 262,50" in office.element("#budget-facts").text
    office.check_page("office-budget")
    office.element("#budget-revoke").click()
    office.wait(lambda driver: driver.switch_to.alert, "no confirmation was asked").accept()
    office.text_of("#budget-status", "is ingetrokken")
    balance = officer.get(f"/v1/budgets/budgets/{budget_id}/balance").json()
    assert (balance["status"], balance["granted"], balance["balance"]) == ("revoked", 26_250, 0)


def test_a_user_without_the_officer_role_is_offered_no_changes(shops, launch_browser, world):
    municipality = shops["Municipality"]
    reader = launch_browser(municipality)
    reader.open("/office/?lang=en")
    sign_in(reader, municipality.tokens["operator"])
    reader.visible("#read-only")
    fill(reader, {"find-scheme-id": world["scheme"]})
    reader.element("#scheme-find button").click()
    reader.text_of("#scheme-heading", "Kindpakket Groningen")
    for officer_only in ("#scheme-new", "#scheme-close", "#shop-admit", '.tab[data-tab="import"]', "#one-form"):
        assert not reader.element(officer_only).is_displayed(), officer_only
    reader.check_page("office-read-only")
