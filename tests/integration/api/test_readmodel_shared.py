"""Two gateway instances of the Municipality share one PostgreSQL read model (api/readmodel/,
`readmodel: {url, password_file}`), both started by the test against the shared network on ports of
their own, both following the channel into the same database from block 0. After budgets are
issued, paid at two shops, refunded and settled, each instance's reports (its CSV files, over
HTTPS) equal the ledger's figures and say through which block they are; a rebuild through one
instance while both run arrives at the same figures, each transaction counted once. An instance
started while the PostgreSQL server is down serves the ledger, answers its reports 503
DATABASE_UNAVAILABLE, and reports the ledger's figures once the server is back."""
from __future__ import annotations

import csv
import io
from contextlib import ExitStack

import pytest

from grootboek.api.readmodel.reports import NAMES
from grootboek.network.nodes.readiness import wait_for

from .conftest import another_instance
from .test_readmodel import caught_up, figures_of, ledger_figures, read_model, scheme_on_ledger  # noqa: F401


@pytest.fixture(scope="module")
def instances(shops, postgres_server, tmp_path_factory):
    """Both instances, on a new database of the session's PostgreSQL server; every figure shown."""
    settings = {"readmodel": {"url": postgres_server.url(postgres_server.new_database()),
                              "password_file": str(postgres_server.password_file)},
                "office": {"report_min_budgets": 1}}
    municipality = shops["Municipality"]
    with another_instance(municipality, tmp_path_factory.mktemp("instance-a"), settings) as first, \
            another_instance(municipality, tmp_path_factory.mktemp("instance-b"), settings) as second:
        yield first, second


def reported(instance, scheme: str) -> tuple[dict, set[str]]:
    """The instance's figures, from its reports' CSV files, and the blocks the files say they are through."""
    files, through = {}, set()
    for name in NAMES:
        answer = instance.client("officer").get(f"/office/reports/{scheme}/{name}.csv")
        assert answer.status_code == 200, answer.text
        files[name] = [tuple(int(cell) if cell.lstrip("-").isdigit() else cell for cell in row)
                       for row in list(csv.reader(io.StringIO(answer.text)))[1:]]
        through.add(answer.headers["X-Read-Model-Block"])
    return figures_of(files.__getitem__), through


def test_both_instances_reports_equal_the_ledgers(shops, instances, scheme_on_ledger):
    scheme, height = scheme_on_ledger
    store = read_model(instances[0])
    assert store.backend.where.startswith("postgresql://")
    caught_up(store, height)
    ledger = ledger_figures(shops, scheme)
    for instance in instances:
        figures, through = reported(instance, scheme)
        assert figures == ledger
        (block,) = through
        assert int(block) >= height - 1
    assert store.query("SELECT id FROM transactions GROUP BY id HAVING COUNT(*) > 1") == []


def test_a_rebuild_through_one_instance_while_both_run_arrives_at_the_same_figures(shops, instances,
                                                                                   scheme_on_ledger):
    scheme, height = scheme_on_ledger
    first, second = instances
    store = read_model(first)
    caught_up(store, height)
    store.connection().execute("UPDATE receivables SET settled = settled + 1")  # a damaged read model
    assert "rebuilt the read model of channel kindpakket from blocks 0 to" in first.admin("readmodel", "rebuild")
    caught_up(store, height)
    assert reported(second, scheme)[0] == ledger_figures(shops, scheme)
    assert store.query("SELECT id FROM transactions GROUP BY id HAVING COUNT(*) > 1") == []


def test_an_instance_started_while_its_database_is_down_reports_once_it_is_up(shops, postgres_server,
                                                                             scheme_on_ledger, tmp_path):
    scheme, height = scheme_on_ledger
    settings = {"readmodel": {"url": postgres_server.url(postgres_server.new_database()),
                              "password_file": str(postgres_server.password_file)},
                "office": {"report_min_budgets": 1}}
    with ExitStack() as stack:
        with postgres_server.down():
            instance = stack.enter_context(another_instance(shops["Municipality"], tmp_path, settings))  # ready
            officer = instance.client("officer")
            assert officer.get("/v1/channels/kindpakket/height").json()["height"] >= height  # the ledger is served
            answer = officer.get(f"/office/reports/{scheme}/{NAMES[0]}.csv")
            assert (answer.status_code, answer.json()["code"]) == (503, "DATABASE_UNAVAILABLE"), answer.text
            assert answer.headers["Retry-After"] == "5"
        wait_for(lambda: officer.get(f"/office/reports/{scheme}/{NAMES[0]}.csv").status_code == 200,
                 "the reports once the database is back", timeout=120)
        caught_up(read_model(instance), height)
        assert reported(instance, scheme)[0] == ledger_figures(shops, scheme)
