"""The Municipality gateway's read model (api/readmodel/) on the shared network: after budgets are
issued (one still to be activated), paid at two shops, refunded and settled, what the read model
took from the channel's blocks equals what the ledger itself says (the chaincode's scheme report and
the shops' statements); and `grootboek api readmodel rebuild` takes the ledger again while the
gateway runs and arrives at the same figures."""
from __future__ import annotations

import uuid
from typing import Callable

import pytest

from grootboek.api.config import load as load_config
from grootboek.api.readmodel.reports import Reports
from grootboek.api.readmodel.store import Store
from grootboek.api.services import read_model_backend
from grootboek.network.nodes.readiness import wait_for

from .budgets_world import Holder, letter, open_scheme
from .commits import committed_on

PAYMENTS = [(0, "fietsenwinkel", "bicycles", 4500), (1, "fietsenwinkel", "bicycles", 3000),
            (2, "sportwinkel", "sports", 2000), (0, "sportwinkel", "sports", 1200), (3, "fietsenwinkel", "bicycles", 800)]
REFUND = 1500  # of the first payment


def pay(till, holder: Holder, category: str, amount: int) -> dict:
    paid = till.post("/v1/budgets/payments", {"budget_id": holder.budget_id, "amount": amount, "category": category,
                                              "code": holder.code()}, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert paid.status_code == 201, paid.text
    return paid.json()


@pytest.fixture(scope="module")
def scheme_on_ledger(shops):
    """A scheme with four activated budgets and one letter, five payments, a refund and a settlement
    of one shop, all committed on both peers; its id and the channel's height then."""
    officer = shops["Municipality"].client("officer")
    tills = {shop: shops["Merchants"].client(shop) for shop in ("fietsenwinkel", "sportwinkel")}
    scheme = open_scheme(officer, tills["fietsenwinkel"])
    holders = [Holder(officer, scheme, tills["fietsenwinkel"]) for _ in range(4)]
    letter(officer, tills["fietsenwinkel"], scheme)
    payments = [pay(tills[shop], holders[i], category, amount) for i, shop, category, amount in PAYMENTS]
    refunded = tills["fietsenwinkel"].post(f"/v1/budgets/payments/{payments[0]['id']}/refunds", {"amount": REFUND})
    assert refunded.status_code == 200, refunded.text
    committed_on(officer, "kindpakket", refunded)
    settled = officer.post("/v1/budgets/settlements", {"scheme_id": scheme, "merchant_id": "sportwinkel",
                                                       "bank_reference": f"NL-{uuid.uuid4().hex[:8]}"})
    assert settled.status_code == 201, settled.text
    for till in tills.values():  # ledger_figures reads the shops' statements through the Merchants' peer
        committed_on(till, "kindpakket", settled)
    height = officer.get("/v1/channels/kindpakket/height").json()["height"]
    return scheme, height


def ledger_figures(shops, scheme: str) -> dict:
    """The scheme's figures as the ledger answers them."""
    officer = shops["Municipality"].client("officer")
    report = officer.get(f"/v1/budgets/schemes/{scheme}/report", params={"page_size": 100}).json()
    assert report["bookmark"] == ""  # one page holds the scheme's budgets
    budgets = report["items"]
    open_amounts, settled = {}, {}
    for shop in ("fietsenwinkel", "sportwinkel"):
        till = shops["Merchants"].client(shop)
        lines, bookmark = [], None
        while bookmark != "":
            page = till.get(f"/v1/budgets/merchants/{shop}/statement",
                            params={"page_size": 100, **({"bookmark": bookmark} if bookmark else {})}).json()
            lines += [line for line in page["items"] if line["scheme_id"] == scheme]
            bookmark = page["bookmark"]
        signed = {"payment": 1, "refund": -1, "settlement": -1}
        open_amounts[shop] = sum(signed[line["kind"]] * line["amount"] for line in lines)
        settled[shop] = sum(line["amount"] for line in lines if line["kind"] == "settlement")
    return {"spent_by_category": report["totals"]["spent_by_category"],
            "spent_by_merchant": report["totals"]["spent_by_merchant"], "issued": report["totals"]["beneficiaries"],
            "activated": sum(budget["holder_key"] is not None for budget in budgets),
            "granted": report["totals"]["granted"], "balance": report["totals"]["remaining"],
            "open": open_amounts, "settled": settled}


def read_model_figures(reports: Reports, scheme: str) -> dict:
    return figures_of(lambda name: reports.report(scheme, name).rows)


def figures_of(rows: Callable[[str], list[tuple]]) -> dict:
    """What `ledger_figures` says, from the reports' rows (`rows(report name)`)."""
    by = {"category": {}, "merchant": {}}
    for dimension, totals in by.items():
        for _, value, amount, _ in rows(f"spending-per-{dimension}"):
            totals[value] = totals.get(value, 0) + amount
    activation, balances, receivables = rows("activation"), rows("balances"), rows("receivables")
    return {"spent_by_category": by["category"], "spent_by_merchant": by["merchant"],
            "issued": sum(row[2] for row in activation), "activated": sum(row[1] for row in activation),
            "granted": sum(row[1] for row in balances), "balance": sum(row[4] for row in balances),
            "open": {row[0]: row[4] for row in receivables}, "settled": {row[0]: row[3] for row in receivables}}


def read_model(gateway) -> Store:
    """The gateway's read model, as its configuration names it."""
    return Store(read_model_backend(load_config(gateway.config_path)), "budgets")


def caught_up(store: Store, height: int) -> int:
    return wait_for(lambda: store.next_block() >= height and store.next_block(),
                    f"the read model taking the blocks below {height}", timeout=60)


def test_the_read_models_figures_equal_the_ledgers(shops, scheme_on_ledger):
    scheme, height = scheme_on_ledger
    store = read_model(shops["Municipality"])
    caught_up(store, height)
    figures = read_model_figures(Reports(store, min_budgets=1), scheme)
    assert figures == ledger_figures(shops, scheme)
    assert figures["spent_by_category"] == {"bicycles": 4500 + 3000 + 800 - REFUND, "sports": 3200}
    assert (figures["issued"], figures["activated"]) == (5, 4)
    assert figures["settled"]["sportwinkel"] == 3200 and figures["open"]["sportwinkel"] == 0


def test_a_rebuild_while_the_gateway_runs_arrives_at_the_same_figures(shops, scheme_on_ledger):
    scheme, height = scheme_on_ledger
    municipality = shops["Municipality"]
    store = read_model(municipality)
    caught_up(store, height)
    before = read_model_figures(Reports(store, min_budgets=1), scheme)
    store.connection().execute("UPDATE receivables SET settled = settled + 1")  # a damaged read model
    output = municipality.admin("readmodel", "rebuild")
    assert "rebuilt the read model of channel kindpakket from blocks 0 to" in output
    assert store.connection().execute("SELECT COUNT(*) FROM transactions").fetchone()[0] > 0
    caught_up(store, height)
    assert read_model_figures(Reports(store, min_budgets=1), scheme) == before
    assert store.connection().execute(
        "SELECT COUNT(*) FROM transactions GROUP BY id HAVING COUNT(*) > 1").fetchall() == []
