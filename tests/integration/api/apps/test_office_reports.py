"""The back office's reports in headless Chromium against the shared network's Municipality
gateway: after budgets are issued (one not yet activated), paid at two shops and one shop settled,
an officer opens the reports tab and sees, per report, a chart and a table whose figures equal the
ledger's (the chaincode's scheme report and the shops' statements), with the sports shop's figures
suppressed (fewer than 5 budgets) and the block they are through; each CSV file says the same. The
screens pass axe, in Dutch and English, and are saved as screenshots."""
from __future__ import annotations

import csv
import io
import uuid

import pytest

from grootboek.api.readmodel.reports import NAMES

from ..budgets_world import Holder, letter, open_scheme
from ..commits import committed_on
from ..test_readmodel import caught_up, ledger_figures, pay, read_model
from .conftest import sign_in

BIKES = [4500, 3000, 2500, 1999, 1200, 800]  # one payment per budget at the bicycle shop
SPORTS = [1500, 700]  # two budgets at the sports shop: fewer than 5, so suppressed


@pytest.fixture(scope="module")
def reported(shops, launch_browser):
    officer = shops["Municipality"].client("officer")
    tills = {shop: shops["Merchants"].client(shop) for shop in ("fietsenwinkel", "sportwinkel")}
    scheme = open_scheme(officer, tills["fietsenwinkel"])
    holders = [Holder(officer, scheme, tills["fietsenwinkel"]) for _ in BIKES]
    letter(officer, tills["fietsenwinkel"], scheme)
    for holder, amount in zip(holders, BIKES):
        pay(tills["fietsenwinkel"], holder, "bicycles", amount)
    for holder, amount in zip(holders, SPORTS):
        pay(tills["sportwinkel"], holder, "sports", amount)
    settled = officer.post("/v1/budgets/settlements", {"scheme_id": scheme, "merchant_id": "fietsenwinkel",
                                                       "bank_reference": f"NL-{uuid.uuid4().hex[:8]}"})
    assert settled.status_code == 201, settled.text
    committed_on(tills["fietsenwinkel"], "kindpakket", settled)  # ledger_figures reads it there
    height = officer.get("/v1/channels/kindpakket/height").json()["height"]
    caught_up(read_model(shops["Municipality"]), height)
    office = launch_browser(shops["Municipality"])
    office.open("/office/")
    sign_in(office, shops["Municipality"].tokens["officer"])
    return {"scheme": scheme, "height": height, "browser": office, "ledger": ledger_figures(shops, scheme)}


def show_reports(office, scheme: str) -> None:
    office.element('.tab[data-tab="reports"]').click()
    office.wait(lambda driver: driver.find_elements("css selector", f'#report-scheme option[value="{scheme}"]'),
                f"scheme {scheme} never offered")
    office.driver.execute_script("document.getElementById('report-scheme').value = arguments[0];", scheme)
    office.element("#report-show").click()
    office.visible("#reports-through")


def table(office, name: str) -> list[list[str]]:
    """The report's rows as figures (data-value: '' where suppressed)."""
    return office.driver.execute_script(
        "return [...document.querySelectorAll(`table[data-report='${arguments[0]}'] tbody tr`)].map("
        "(row) => [...row.cells].map((cell) => cell.dataset.value));", name)


def test_the_reports_figures_equal_the_ledgers(reported):
    office, scheme, ledger = reported["browser"], reported["scheme"], reported["ledger"]
    show_reports(office, scheme)
    through = int(office.element("#reports-through").text.split("blok ")[1].split(" ")[0])
    assert through >= reported["height"] - 1
    assert len(office.driver.find_elements("css selector", "#report-output svg[role='img']")) == len(NAMES)

    by_category = {row[1]: row for row in table(office, "spending-per-category")}
    assert by_category["bicycles"][2:] == [str(ledger["spent_by_category"]["bicycles"]), str(len(BIKES))]
    assert by_category["sports"][2:] == ["", ""] and ledger["spent_by_category"]["sports"] == sum(SPORTS)
    by_shop = {row[1]: row for row in table(office, "spending-per-merchant")}
    assert by_shop["fietsenwinkel"][2] == str(ledger["spent_by_merchant"]["fietsenwinkel"])
    assert by_shop["sportwinkel"][2] == ""
    (_, activated, issued), = table(office, "activation")
    assert (int(activated), int(issued)) == (ledger["activated"], ledger["issued"]) == (len(BIKES), len(BIKES) + 1)
    (_, granted, spent, returned, balance, _), = table(office, "balances")
    assert (int(granted), int(balance)) == (ledger["granted"], ledger["balance"])
    assert int(spent) == sum(BIKES) + sum(SPORTS)
    receivables = {row[0]: row for row in table(office, "receivables")}
    assert receivables["fietsenwinkel"][1:5] == [str(sum(BIKES)), "0", str(ledger["settled"]["fietsenwinkel"]),
                                                 str(ledger["open"]["fietsenwinkel"])]
    assert receivables["sportwinkel"][1:] == ["", "", "", "", ""]
    assert "minder dan 5 tegoeden" in office.element("#report-spending-per-category").text
    office.check_page("office-reports")
    for name in ("balances", "receivables"):
        office.driver.execute_script("document.getElementById(arguments[0]).scrollIntoView();", f"report-{name}")
        office.screenshot(f"office-reports-{name}")


def test_each_csv_file_says_what_the_screen_says(shops, reported):
    office, scheme = reported["browser"], reported["scheme"]
    officer = shops["Municipality"].client("officer")
    show_reports(office, scheme)
    for name in NAMES:
        answer = officer.get(f"/office/reports/{scheme}/{name}.csv")
        assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
        assert int(answer.headers["X-Read-Model-Block"]) >= reported["height"] - 1
        header, *rows = list(csv.reader(io.StringIO(answer.text)))
        assert rows == table(office, name), name
    link = office.element("#report-receivables a[download]")
    assert link.get_attribute("href").endswith(f"/office/reports/{scheme}/receivables.csv")


def test_the_reports_in_english(reported):
    office, scheme = reported["browser"], reported["scheme"]
    office.open("/office/?lang=en")
    office.visible("#office")
    show_reports(office, scheme)
    assert office.element("#reports-through").text.startswith("Up to and including block")
    assert "fewer than 5 budgets" in office.element("#report-spending-per-merchant").text
    office.check_page("office-reports-en")
    office.open("/office/?lang=nl")
