"""The back office's reports (api/apps/office/reports.py) on a gateway app whose read model took
built blocks: a page fragment with an accessible SVG chart and a table per report, amounts in the
page's language, small cells suppressed as the configuration says, each report as CSV, every answer
saying through which block; and who may not read them, and what is no scheme."""
from __future__ import annotations

import csv
import io

import pytest

from tests import readmodel_blocks as built
from tests.readmodel_blocks import Budget

from .conftest import make_gateway

SCHEME = "kindpakket-2026"


@pytest.fixture
def office(tmp_path, organisation):
    gateway = make_gateway(tmp_path, organisation, apps=["office"], office={"report_min_budgets": 3})
    budgets = [Budget(f"b{i}", SCHEME, activated=i != 0) for i in range(4)]
    blocks = [built.genesis(), built.block(1, [built.issue(f"t-issue-{b.id}", b) for b in budgets]
                                           + [built.Tx("t-scheme", [built.scheme(SCHEME)])])]
    payments = [built.payment(f"t-pay-{b.id}", b, "fietsenwinkel", "bicycles", 123456, "2026-02-01T10:00:00Z")
                for b in budgets]
    payments.append(built.payment("t-sport", budgets[0], "sportwinkel", "sports", 500, "2026-03-01T10:00:00Z"))
    blocks.append(built.block(2, payments))
    for block in blocks:
        gateway.services.readmodel.apply(block)
    return gateway


def test_the_reports_page_shows_charts_tables_and_the_block_it_is_through(office):
    page = office.client().get(f"/office/reports/{SCHEME}?lang=nl", headers=office.auth("officer"))
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "Bijgewerkt tot en met blok 2 van het grootboek." in html
    assert "Maanden tellen in de tijd van de gemeente (Europe/Amsterdam, zomertijd inbegrepen)" in html
    assert html.count('role="img"') == 5 and html.count("<table") == 5
    assert '<td data-value="493824">€ 4.938,24</td>' in html  # four budgets at the bicycle shop
    assert '<td data-value="">minder dan 3 tegoeden</td>' in html  # one budget at the sports shop
    assert "<script" not in html and "style=" not in html
    english = office.client().get(f"/office/reports/{SCHEME}?lang=en", headers=office.auth("officer"))
    assert "€4,938.24" in english.get_data(as_text=True)
    assert "Months are counted in the municipality&#39;s time (Europe/Amsterdam" in english.get_data(as_text=True)
    reader = office.client().get(f"/office/reports/{SCHEME}", headers=office.auth("operator"))
    assert reader.status_code == 200


def test_each_report_is_a_csv_file_with_suppressed_figures_empty(office):
    answer = office.client().get(f"/office/reports/{SCHEME}/spending-per-merchant.csv",
                                 headers=office.auth("officer"))
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.headers["X-Read-Model-Block"] == "2"
    assert f'filename="{SCHEME}-spending-per-merchant-block-2.csv"' in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert rows == [["month", "merchant", "amount", "budgets"], ["2026-02", "fietsenwinkel", "493824", "4"],
                    ["2026-03", "sportwinkel", "", ""]]
    activation = office.client().get(f"/office/reports/{SCHEME}/activation.csv", headers=office.auth("officer"))
    assert activation.get_data(as_text=True) == "issued_month,activated,issued\n2026-01,3,4\n"


def test_the_schemes_to_choose_from(office):
    answer = office.client().get("/office/reports", headers=office.auth("officer"))
    assert answer.get_json() == {"schemes": [{"id": SCHEME, "name": "Kindpakket"}], "through_block": 2,
                                 "time_zone": "Europe/Amsterdam"}


def test_what_is_refused(office):
    client = office.client()
    nobody = client.get(f"/office/reports/{SCHEME}", headers=office.auth("nobody"))
    assert (nobody.status_code, nobody.get_json()["code"]) == (403, "FORBIDDEN")
    assert client.get(f"/office/reports/{SCHEME}").status_code == 401
    unknown = client.get("/office/reports/elders", headers=office.auth("officer"))
    assert unknown.status_code == 404
    assert unknown.get_json()["message"] == "the read model has no scheme elders (it has read blocks 0 to 2)"
    bad = client.get("/office/reports/-x", headers=office.auth("officer"))
    assert (bad.status_code, bad.get_json()["errors"][0]["field"]) == (422, "path.scheme_id")
    report = client.get(f"/office/reports/{SCHEME}/everything.csv", headers=office.auth("officer"))
    assert report.status_code == 404 and "there are: spending-per-category," in report.get_json()["message"]
