"""The back office's reports, from the read model: aggregates only, never one budget's purchases.

A cell that counts fewer budgets than `min_budgets` (default 5) is suppressed (its figures None):
in a small scheme a total per shop and month can point at one child. Every report says up to which
block it is.
"""
from __future__ import annotations

from dataclasses import dataclass

from .store import Store

MIN_BUDGETS = 5
DIMENSIONS = ("category", "merchant")
NAMES = ("spending-per-category", "spending-per-merchant", "activation", "balances", "receivables")


@dataclass(frozen=True)
class Table:
    """A report: its columns, its rows (a suppressed figure is None), and through which block."""

    name: str
    columns: tuple[str, ...]
    rows: list[tuple]
    through_block: int | None
    """The last block the figures include; None before the first."""
    suppressed: int
    """How many rows had figures suppressed."""


class Reports:
    def __init__(self, store: Store, min_budgets: int = MIN_BUDGETS) -> None:
        self.store = store
        self.min_budgets = min_budgets

    def schemes(self) -> list[tuple[str, str, str]]:
        """(id, name, unit as JSON) of every scheme the read model has seen."""
        return self.store.query("SELECT id, name, unit FROM schemes ORDER BY id")

    def report(self, scheme_id: str, name: str) -> Table:
        """The report `name` (one of NAMES) of the scheme; KeyError for another name."""
        return {"spending-per-category": lambda: self.spending(scheme_id, "category"),
                "spending-per-merchant": lambda: self.spending(scheme_id, "merchant"),
                "activation": lambda: self.activation(scheme_id), "balances": lambda: self.balances(scheme_id),
                "receivables": lambda: self.receivables(scheme_id)}[name]()

    def _query(self, sql: str, parameters: tuple) -> tuple[list[tuple], int | None]:
        """The rows and the block they are through, read in one transaction."""
        with self.store.snapshot() as db:
            next_block = db.execute("SELECT next_block FROM checkpoint").fetchone()[0]
            rows = db.execute(sql, parameters).fetchall()
        return rows, (next_block - 1 if next_block else None)

    def _table(self, name: str, columns: tuple[str, ...], rows: list[tuple], through: int | None,
               figures_from: int) -> Table:
        """Rows whose last column counts budgets; suppressed ones keep their keys and lose their figures."""
        shown, suppressed = [], 0
        for row in rows:
            if row[-1] < self.min_budgets:
                suppressed += 1
                row = (*row[:figures_from], *(None,) * (len(row) - figures_from))
            shown.append(row)
        return Table(name, columns, shown, through, suppressed)

    def spending(self, scheme_id: str, dimension: str) -> Table:
        """Net spending (payments less refunds) per month and category, or per month and shop."""
        if dimension not in DIMENSIONS:
            raise ValueError(f"dimension: expected one of {', '.join(DIMENSIONS)}, not {dimension!r}")
        rows, through = self._query(
            "SELECT month, value, amount, budgets FROM cells WHERE scheme_id = ? AND dimension = ? "
            "ORDER BY month, value", (scheme_id, dimension))
        return self._table(f"spending-per-{dimension}", ("month", dimension, "amount", "budgets"), rows, through, 2)

    def activation(self, scheme_id: str) -> Table:
        """Per month of issue: budgets issued, and how many of them their holders activated."""
        rows, through = self._query(
            "SELECT issued_month, SUM(activated), COUNT(*) FROM budgets WHERE scheme_id = ? "
            "GROUP BY issued_month ORDER BY issued_month", (scheme_id,))
        return self._table("activation", ("issued_month", "activated", "issued"), rows, through, 1)

    def balances(self, scheme_id: str) -> Table:
        """Per month of issue: granted, spent, returned, and the balances left."""
        rows, through = self._query(
            "SELECT issued_month, SUM(granted), SUM(granted - balance - returned), SUM(returned), SUM(balance), "
            "COUNT(*) FROM budgets WHERE scheme_id = ? GROUP BY issued_month ORDER BY issued_month", (scheme_id,))
        return self._table("balances", ("issued_month", "granted", "spent", "returned", "balance", "budgets"),
                           rows, through, 1)

    def receivables(self, scheme_id: str) -> Table:
        """Per shop: paid, refunded, settled, and what is still open."""
        rows, through = self._query(
            "SELECT merchant_id, paid, refunded, settled, paid - refunded - settled, budgets "
            "FROM receivables WHERE scheme_id = ? ORDER BY merchant_id", (scheme_id,))
        return self._table("receivables", ("merchant", "paid", "refunded", "settled", "open", "budgets"),
                           rows, through, 1)
