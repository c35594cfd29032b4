"""Personal data and the audit trail in the back office, in headless Chromium against the shared
network's Municipality gateway: an officer records a beneficiary's personal data, views it, exports
it for the resident and purges it after confirming on the page; every step is in the audit trail,
which the officer filters and downloads as CSV. The retention command leaves the data of a scheme
still running and purges it, audited, once the ledger's clock has passed the scheme's end. What the
screens say is checked against the ledger through the REST API. Every screen passes axe."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from grootboek.api.__main__ import main as api_main
from grootboek.network.nodes.readiness import wait_for

from ..budgets_world import Holder, open_scheme
from .conftest import sign_in
from .test_office import fill

PERSON = {"name": "Eva de Boer", "bsn": "111222333", "address": "Oosterstraat 5, 9711 NN Groningen"}
SCHEME_LEFT_SECONDS = 45
"""How long the retention test's scheme runs: time to issue one budget and record its data."""


@pytest.fixture(scope="module")
def desk(shops, launch_browser):
    municipality = shops["Municipality"]
    officer, till = municipality.client("officer"), shops["Merchants"].client("fietsenwinkel")
    holder = Holder(officer, open_scheme(officer, till), till)
    office = launch_browser(municipality)
    office.open("/office/")
    sign_in(office, municipality.tokens["officer"])
    return {"browser": office, "officer": officer, "till": till, "budget": holder.budget_id,
            "gateway": municipality}


def download(browser, path: str) -> tuple[int, str]:
    """What the page's own link fetches, with its session: (status, text)."""
    answer = browser.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {credentials: 'same-origin'}).then(async (r) => done([r.status, await r.text()]));",
        path)
    return answer[0], answer[1]


def audit_rows(browser, **filters) -> list[dict]:
    query = "&".join(f"{name}={value}" for name, value in {"format": "csv", **filters}.items())
    status, text = download(browser, "/office/audit?" + query)
    assert status == 200, text
    return list(csv.DictReader(io.StringIO(text)))


def test_an_officer_records_views_exports_and_purges_personal_data_all_audited(desk):
    office, officer, budget = desk["browser"], desk["officer"], desk["budget"]
    office.element('.tab[data-tab="budgets"]').click()
    fill(office, {"budget-id": budget})
    office.element("#budget-find button").click()
    office.visible("#personal-form")
    fill(office, {"personal-name": PERSON["name"], "personal-bsn": "123456789", "personal-address": PERSON["address"]})
    office.element("#personal-save").click()
    assert "elfproef" in office.text_of("#personal-error", "bsn")  # refused by the rule, nothing recorded
    fill(office, {"personal-bsn": PERSON["bsn"]})
    office.element("#personal-save").click()
    office.text_of("#personal-status", f"De persoonsgegevens van tegoed {budget} zijn vastgelegd.")
    assert officer.get(f"/v1/budgets/budgets/{budget}/personal-data").json() == PERSON

    office.element("#personal-show").click()
    assert PERSON["name"] in office.visible("#personal-facts").text and PERSON["bsn"] in office.element(
        "#personal-facts").text
    office.text_of("#personal-status", "deze inzage staat in het auditlog")
    office.check_page("office-personal-data")

    status, exported = download(office, office.element("#export-json").get_attribute("href"))
    document = json.loads(exported)
    assert status == 200 and (document["budget_id"], document["personal_data"]) == (budget, PERSON)
    assert [entry["action"] for entry in document["audit"]][-4:] == [
        "budgets.record_personal_data", "budgets.read_personal_data", "budgets.read_personal_data",
        "office.export_resident"]  # the officer's own read above through the REST API, then the page's

    office.element("#personal-purge").click()
    office.text_of("#purge-question", f"De persoonsgegevens van tegoed {budget} wissen?")
    office.check_page("office-personal-purge-confirm")
    office.element("#purge-no").click()
    assert officer.get(f"/v1/budgets/budgets/{budget}/personal-data").status_code == 200  # cancelled: kept
    office.element("#personal-purge").click()
    office.visible("#purge-yes").click()
    office.text_of("#personal-status", f"De persoonsgegevens van tegoed {budget} zijn gewist.")
    assert officer.get(f"/v1/budgets/budgets/{budget}/personal-data").json()["code"] == "NOT_FOUND"
    office.element("#personal-show").click()
    office.text_of("#personal-status", "zijn geen persoonsgegevens vastgelegd")

    actions = [(row["user"], row["action"], row["status"]) for row in audit_rows(office, budget_id=budget)]
    assert actions == [("officer", "budgets.issue_budget", "201"),
                       ("officer", "budgets.record_personal_data", "422"),
                       ("officer", "budgets.record_personal_data", "204"),
                       ("officer", "budgets.read_personal_data", "200"),
                       ("officer", "budgets.read_personal_data", "200"),
                       ("officer", "office.export_resident", "200"),
                       ("officer", "budgets.read_personal_data", "200"),
                       ("officer", "budgets.purge_personal_data", "204"),
                       ("officer", "budgets.read_personal_data", "404"),
                       ("officer", "budgets.read_personal_data", "404")]


def test_the_audit_trail_is_filtered_on_screen_and_downloaded(desk):
    office, budget = desk["browser"], desk["budget"]
    office.element('.tab[data-tab="audit"]').click()
    office.text_of("#audit-status", "regels getoond")
    fill(office, {"audit-budget": budget, "audit-action": "budgets.purge_personal_data"})
    office.element("#audit-search").click()
    office.text_of("#audit-status", "1 regels getoond")
    row = office.element("#audit-lines tr")
    assert (row.get_attribute("data-action"), row.get_attribute("data-budget")) == (
        "budgets.purge_personal_data", budget)
    assert "persoonsgegevens gewist" in row.text and "officer" in row.text
    status, text = download(office, office.element("#audit-csv").get_attribute("href"))
    assert status == 200 and [r["action"] for r in csv.DictReader(io.StringIO(text))] == [
        "budgets.purge_personal_data"]
    office.check_page("office-audit")


def test_retention_purges_personal_data_once_the_scheme_has_ended(desk, monkeypatch):
    officer, till, gateway = desk["officer"], desk["till"], desk["gateway"]
    ends = datetime.now(timezone.utc) + timedelta(seconds=SCHEME_LEFT_SECONDS)
    holder = Holder(officer, open_scheme(officer, till, ends_at=ends.isoformat()), till)
    path = f"/v1/budgets/budgets/{holder.budget_id}/personal-data"
    assert officer.put(path, PERSON).status_code == 204
    monkeypatch.setenv("GROOTBOEK_API_OFFICE__RETENTION_DAYS", "0")
    retention = ["retention", "--config", str(gateway.config_path), "--as", "officer"]
    assert api_main(retention) == 0
    assert officer.get(path).status_code == 200  # the scheme still runs: kept

    # The ledger's own clock says when the scheme has ended: expiring its budget succeeds from then on.
    wait_for(lambda: officer.post(f"/v1/budgets/budgets/{holder.budget_id}/expire").status_code == 200,
             "the scheme's end on the ledger", timeout=SCHEME_LEFT_SECONDS + 60, interval=1.0)
    assert api_main(retention) == 0
    assert officer.get(path).json()["code"] == "NOT_FOUND"
    purges = [row for row in audit_rows(desk["browser"], budget_id=holder.budget_id)
              if row["action"] == "retention.purge_personal_data"]
    assert [(row["user"], row["outcome"]) for row in purges] == [("officer", "ok")]
    assert api_main(retention) == 0  # nothing left to do, nothing purged twice
    assert len([row for row in audit_rows(desk["browser"], budget_id=holder.budget_id)
                if row["action"] == "retention.purge_personal_data"]) == 1
