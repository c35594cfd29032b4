"""The read model's ingest (api/readmodel/) on blocks built as the budgets chaincode leaves them:
valid transactions only, a transaction that appears twice counted once, a block taken whole or not
at all, a restart resuming at the checkpoint, the following thread surviving a failed stream, a
rebuild; months in the municipality's time zone; and the reports' suppression of small cells. Each
test runs on both backends: a SQLite file, and a database of a real PostgreSQL server."""
from __future__ import annotations

import threading
from zoneinfo import ZoneInfo

import pytest

from grootboek.api.readmodel.ingest import Ingest, rebuild
from grootboek.api.readmodel.reports import Reports
from grootboek.api.readmodel.backends import FILE_NAME, Postgres, SqliteFile
from grootboek.api.readmodel.store import OWN_TABLES, BlockGap, Store, ZoneChanged, month
from grootboek.chaincode.budgets.domain.budget import Budget as BudgetRecord
from grootboek.chaincode.budgets.domain.merchant_entry import MerchantEntry
from grootboek.chaincode.budgets.domain.scheme import Scheme

from tests import readmodel_blocks as built
from .test_events import FakeStream
from tests.readmodel_blocks import DUPLICATE_TXID, MVCC_READ_CONFLICT, Budget, Tx

SCHEME = "kindpakket-2026"


def ledger() -> tuple[list, list[Budget]]:
    """Genesis; six budgets issued; payments at two shops, one refund, an invalid payment, a copy of
    a payment in a later block, a duplicate the peer marked invalid; then one settlement of both shops."""
    budgets = [Budget(f"b{i}", SCHEME, activated=i < 4) for i in range(6)]
    blocks = [built.genesis(), built.block(1, [Tx("t-scheme", [built.scheme(SCHEME)])] +
                                           [built.issue(f"t-issue-{b.id}", b) for b in budgets])]
    pay = [built.payment(f"t-pay-{b.id}", b, "fietsenwinkel", "bicycles", 1000 + i, f"2026-02-0{i + 1}T10:00:00Z")
           for i, b in enumerate(budgets)]
    sports = built.payment("t-sport", budgets[0], "sportwinkel", "sports", 700, "2026-03-01T10:00:00Z")
    refund = built.payment("t-refund", budgets[1], "fietsenwinkel", "bicycles", 300, "2026-02-20T10:00:00Z",
                           kind="refund")
    conflict = Tx("t-conflict", built.payment("t-conflict", Budget("b0", SCHEME), "sportwinkel", "sports", 5000,
                                              "2026-03-02T10:00:00Z").writes, code=MVCC_READ_CONFLICT)
    blocks.append(built.block(2, [*pay[:3], conflict]))
    blocks.append(built.block(3, [*pay[3:], sports, pay[0]]))  # the copy of t-pay-b0 in another block
    blocks.append(built.block(4, [refund, Tx(pay[1].tx_id, pay[1].writes, code=DUPLICATE_TXID)]))
    blocks.append(built.block(5, [built.settlement("t-settle", SCHEME, {"fietsenwinkel": 4000, "sportwinkel": 700},
                                                   "2026-04-01T10:00:00Z")]))
    return blocks, budgets


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    """A SQLite file, or a new database of the session's PostgreSQL server."""
    if request.param == "sqlite":
        return SqliteFile(tmp_path / FILE_NAME)
    server = request.getfixturevalue("postgres_server")
    return Postgres(server.url(server.new_database()), server.password())


@pytest.fixture
def store(backend) -> Store:
    opened = Store(backend, built.CHAINCODE)
    yield opened
    opened.close()


def totals(reports: Reports) -> dict:
    by_category = {}
    for _, category, amount, _ in reports.spending(SCHEME, "category").rows:
        by_category[category] = by_category.get(category, 0) + amount
    (_, activated, issued), = reports.activation(SCHEME).rows
    (_, granted, spent, returned, balance, _), = reports.balances(SCHEME).rows
    return {"by_category": by_category, "issued": issued, "activated": activated, "granted": granted,
            "spent": spent, "balance": balance,
            "receivables": {row[0]: row[1:5] for row in reports.receivables(SCHEME).rows}}


EXPECTED = {"by_category": {"bicycles": 1000 + 1001 + 1002 + 1003 + 1004 + 1005 - 300, "sports": 700},
            "issued": 6, "activated": 4, "granted": 6 * 25000, "spent": 6015 - 300 + 700,
            "balance": 6 * 25000 - (6015 - 300 + 700),
            "receivables": {"fietsenwinkel": (6015, 300, 4000, 6015 - 300 - 4000), "sportwinkel": (700, 0, 700, 0)}}


def test_the_builders_values_are_the_chaincodes_records():
    budget = Budget("b1", SCHEME)
    payment = built.payment("t1", budget, "fietsenwinkel", "bicycles", 500, "2026-02-01T10:00:00Z")
    values = dict(payment.writes)
    entry = MerchantEntry.model_validate_json(values[built.key("statement", "fietsenwinkel", "2026-02-01",
                                                               "2026-02-01T10:00:00Z", "t1")])
    record = BudgetRecord.model_validate_json(values[built.key("budget", "b1")])
    assert (entry.signed, entry.budget_id, record.balance, record.spent) == (500, "b1", 24500, 500)
    assert Scheme.model_validate_json(built.scheme(SCHEME)[1]).terms.name == "Kindpakket"


def test_valid_transactions_are_counted_once_each(store):
    blocks, _ = ledger()
    assert [store.apply(block) for block in blocks] == [True] * len(blocks)
    assert totals(Reports(store, min_budgets=1)) == EXPECTED
    db = store.connection()
    assert db.execute("SELECT COUNT(*) FROM lines WHERE kind = 'payment'").fetchone()[0] == 7  # 6 + sports
    assert db.execute("SELECT COUNT(*) FROM transactions WHERE id = 't-pay-b0'").fetchone()[0] == 1
    assert db.execute("SELECT block FROM transactions WHERE id = 't-pay-b0'").fetchone()[0] == 2
    assert db.execute("SELECT COUNT(*) FROM transactions WHERE id = 't-conflict'").fetchone()[0] == 0
    assert store.next_block() == len(blocks)


def test_the_read_model_holds_no_personal_data(store):
    blocks, _ = ledger()
    for block in blocks:
        store.apply(block)
    dump = "\n".join(str(row) for table in OWN_TABLES for row in store.query(f"SELECT * FROM {table}"))
    assert "fietsenwinkel" in dump and "t-pay-b0" in dump
    assert "pseudo-" not in dump and "PUBLIC KEY" not in dump


def test_a_restart_resumes_at_the_checkpoint_and_counts_nothing_twice(store):
    blocks, _ = ledger()
    for block in blocks[:3]:
        store.apply(block)
    store.close()
    reopened = Store(store.backend, built.CHAINCODE)
    assert reopened.next_block() == 3
    assert reopened.apply(blocks[2]) is False  # a stream that starts again from an older block
    with pytest.raises(BlockGap, match="needs block 3"):
        reopened.apply(blocks[4])
    for block in blocks[3:]:
        reopened.apply(block)
    assert totals(Reports(reopened, min_budgets=1)) == EXPECTED


def test_a_database_of_another_layout_is_emptied_and_taken_again_from_block_0(store):
    blocks, _ = ledger()
    for block in blocks:
        store.apply(block)
    db = store.connection()
    db.execute("CREATE TABLE spending (old TEXT)")  # what an older layout kept
    db.execute("UPDATE layout SET version = 1")
    store.close()
    reopened = Store(store.backend, built.CHAINCODE)
    assert reopened.next_block() == 0
    tables = {name for (name,) in reopened.query(store.backend.dialect.list_tables)}
    assert OWN_TABLES <= tables
    # A file is the read model's alone; a PostgreSQL database may hold others' tables, which stay.
    assert ("spending" in tables) is not store.backend.dialect.owns_database
    for block in blocks:
        reopened.apply(block)
    assert totals(Reports(reopened, min_budgets=1)) == EXPECTED
    again = Store(store.backend, built.CHAINCODE)  # the same layout: kept
    assert again.next_block() == len(blocks)


def test_a_block_that_fails_midway_leaves_neither_rows_nor_checkpoint(store):
    blocks, budgets = ledger()
    for block in blocks[:2]:
        store.apply(block)
    broken = built.payment("t-broken", budgets[2], "fietsenwinkel", "bicycles", 10, "2026-02-09T10:00:00Z")
    statement = next(i for i, (k, _) in enumerate(broken.writes) if k.startswith("\x00statement\x00"))
    broken.writes[statement] = (broken.writes[statement][0], b"{not json")
    first = built.payment("t-first", budgets[3], "fietsenwinkel", "bicycles", 20, "2026-02-09T09:00:00Z")
    with pytest.raises(ValueError):
        store.apply(built.block(2, [first, broken]))
    db = store.connection()
    assert store.next_block() == 2
    assert db.execute("SELECT COUNT(*) FROM lines").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM transactions WHERE id = 't-first'").fetchone()[0] == 0


class Stream(FakeStream):
    """A block stream fed by the test: `drained` is set once the reader asks for more than was
    pushed (so everything pushed was taken)."""

    def __init__(self, items) -> None:
        super().__init__()
        for item in items:
            self.push(item)
        self.drained = threading.Event()

    def __next__(self):
        if self.inbox.empty():
            self.drained.set()
        return super().__next__()


def test_the_ingest_follows_the_channel_through_a_failed_stream_and_resumes_at_the_checkpoint(store):
    blocks, _ = ledger()
    opened: list[int] = []
    streams = [Stream([blocks[0], blocks[1], ConnectionError("peer went away")]), Stream(blocks[1:])]

    def open_blocks(start: int) -> Stream:
        opened.append(start)
        return streams[len(opened) - 1]

    ingest = Ingest(store, open_blocks, retry_seconds=0).start()
    assert streams[1].drained.wait(30), "the ingest never read the second stream"
    ingest.stop()
    assert opened == [0, 2]  # the second stream starts after the blocks the first one delivered
    assert streams[1].closed.is_set()
    assert totals(Reports(Store(store.backend, built.CHAINCODE), min_budgets=1)) == EXPECTED


def test_a_rebuild_takes_the_ledger_again_from_block_0(store):
    blocks, _ = ledger()
    for block in blocks[:4]:
        store.apply(block)
    store.connection().execute("UPDATE receivables SET paid = paid + 1")  # a damaged read model
    assert rebuild(store, lambda start: Stream(blocks[start:]), height=len(blocks)) == len(blocks)
    assert totals(Reports(store, min_budgets=1)) == EXPECTED
    assert store.next_block() == len(blocks)


def test_cells_of_fewer_budgets_than_the_minimum_are_suppressed(store):
    blocks, _ = ledger()
    for block in blocks:
        store.apply(block)
    reports = Reports(store, min_budgets=2)
    spending = reports.spending(SCHEME, "merchant")
    assert spending.rows == [("2026-02", "fietsenwinkel", 6015 - 300, 6), ("2026-03", "sportwinkel", None, None)]
    assert (spending.suppressed, spending.through_block) == (1, len(blocks) - 1)
    assert reports.receivables(SCHEME).rows[1] == ("sportwinkel", None, None, None, None, None)
    assert Reports(store).activation(SCHEME).rows == [("2026-01", 4, 6)]
    assert Reports(store).balances(SCHEME).rows == [("2026-01", 150000, 6415, 0, 143585, 6)]
    assert Reports(store, min_budgets=7).balances(SCHEME).rows == [("2026-01", None, None, None, None, None)]
    with pytest.raises(ValueError, match="dimension: expected one of category, merchant"):
        reports.spending(SCHEME, "budget")


def test_a_report_on_an_empty_read_model_is_through_no_block(store):
    table = Reports(store).spending(SCHEME, "category")
    assert (table.rows, table.through_block, table.suppressed) == ([], None, 0)


@pytest.mark.parametrize(("at", "expected"), [
    ("2026-02-28T23:30:00Z", "2026-03"),  # 00:30 on 1 March in Groningen (winter time, UTC+1)
    ("2026-02-28T22:59:59Z", "2026-02"),
    ("2026-03-31T21:59:59Z", "2026-03"),  # 23:59:59 on 31 March, summer time (UTC+2) since 29 March
    ("2026-03-31T23:30:00Z", "2026-04"),
    ("2026-03-29T00:59:59Z", "2026-03"),  # the last second of winter time
    ("2026-10-31T23:30:00Z", "2026-11"),  # 00:30 on 1 November: winter time again since 25 October
    ("2026-10-31T22:59:59.999999Z", "2026-10"),
    ("2026-09-30T22:30:00Z", "2026-10"),  # 00:30 on 1 October, still summer time
    ("2026-12-31T23:00:00Z", "2027-01"),  # a new year begins an hour before UTC's
    ("2026-12-31T22:59:59+00:00", "2026-12"),
])
def test_a_month_is_the_municipalitys_month_across_daylight_saving_time(at, expected):
    assert month(at, ZoneInfo("Europe/Amsterdam")) == expected


def test_payments_and_budgets_are_counted_in_the_month_of_the_stores_time_zone(backend):
    late = Budget("b-late", SCHEME, issued_at="2026-03-31T23:30:00Z")  # issued on 1 April, Dutch time
    blocks = [built.genesis(), built.block(1, [Tx("t-scheme", [built.scheme(SCHEME)]), built.issue("t-late", late)]),
              built.block(2, [built.payment("t-first", late, "fietsenwinkel", "bicycles", 100, "2026-04-30T22:30:00Z"),
                              built.payment("t-last", late, "fietsenwinkel", "bicycles", 10, "2026-04-30T21:30:00Z")])]
    dutch = Store(backend, built.CHAINCODE)
    for block in blocks:
        dutch.apply(block)
    reports = Reports(dutch, min_budgets=1)
    assert reports.spending(SCHEME, "merchant").rows == [("2026-04", "fietsenwinkel", 10, 1),
                                                         ("2026-05", "fietsenwinkel", 100, 1)]
    assert reports.activation(SCHEME).rows == [("2026-04", 1, 1)]
    dutch.close()
    # The same file opened for a municipality of the Caribbean Netherlands (UTC-4): counted again.
    bonaire = Store(backend, built.CHAINCODE, "America/Kralendijk")
    assert bonaire.next_block() == 0
    for block in blocks:
        bonaire.apply(block)
    assert Reports(bonaire, min_budgets=1).spending(SCHEME, "merchant").rows == [("2026-04", "fietsenwinkel", 110, 1)]
    assert Reports(bonaire, min_budgets=1).activation(SCHEME).rows == [("2026-03", 1, 1)]


def test_a_gateway_whose_zone_another_one_changed_stops_taking_blocks_and_says_why(backend):
    blocks, _ = ledger()
    dutch = Store(backend, built.CHAINCODE)
    dutch.apply(blocks[0])
    Store(backend, built.CHAINCODE, "America/Kralendijk").next_block()  # another instance, of other settings
    with pytest.raises(ZoneChanged, match="counts months in America/Kralendijk, this gateway in Europe/Amsterdam: "
                                          "give every gateway that shares it the same office.report_time_zone"):
        dutch.apply(blocks[0])
