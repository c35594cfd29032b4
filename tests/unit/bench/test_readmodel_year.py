"""bench.readmodel's city year, fed through the read model's own ingest: every payment counted
once, spread over the twelve months of 2026, the cells adding up to the payments' amounts and
never counting more budgets than there are."""
from bench.readmodel import SCHEME, year
from grootboek.api.readmodel.reports import Reports
from grootboek.api.readmodel.backends import FILE_NAME, SqliteFile
from grootboek.api.readmodel.store import Store
from tests.readmodel_blocks import CHAINCODE


def test_a_small_year_is_taken_whole(tmp_path):
    store = Store(SqliteFile(tmp_path / FILE_NAME), CHAINCODE)
    made = 0
    for block, made in year(1200, budgets=30, shops=6, block_size=50):
        store.apply(block)
    db = store.connection()
    assert made == 1200
    assert db.execute("SELECT COUNT(*), SUM(amount) FROM lines").fetchone() == db.execute(
        "SELECT 1200, SUM(amount) FROM cells WHERE dimension = 'merchant'").fetchone()
    reports = Reports(store, min_budgets=1)
    months = {row[0] for row in reports.spending(SCHEME, "category").rows}
    assert months == {f"2026-{month:02d}" for month in range(1, 13)}
    assert max(row[3] for row in reports.spending(SCHEME, "merchant").rows) <= 30
    (_, activated, issued), = reports.activation(SCHEME).rows
    assert issued == 30 and 0 < activated <= 30
