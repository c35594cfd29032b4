"""The audit trail: every officer action taken through the gateway and every view of personal
data, with who, when, what and which budget, scheme or shop it concerned. It lives in the gateway's
own database and is append-only: triggers refuse every UPDATE and DELETE of its rows, so the trail
cannot be edited through the database connection the gateway itself holds.

It never records what personal data said, only that it was recorded, viewed, exported or purged."""
from __future__ import annotations

import csv
import io
import time
from dataclasses import asdict, dataclass, fields
from typing import Iterator

from .database import Database

MAX_PAGE = 1000


@dataclass(frozen=True)
class AuditEntry:
    at: float
    """Unix time of the answer."""
    user: str
    action: str
    """What was asked: the operation's endpoint (`budgets.purge_personal_data`) or an office step."""
    path: str
    status: int
    """The HTTP status answered (an action refused is recorded too, with its code)."""
    outcome: str
    """`ok`, or the error code answered."""
    budget_id: str | None = None
    scheme_id: str | None = None
    merchant_id: str | None = None
    transaction_id: str | None = None
    id: int = 0
    """Its place in the trail (assigned when appended)."""


@dataclass(frozen=True)
class AuditQuery:
    user: str | None = None
    action: str | None = None
    """An exact action, or a prefix ending in `.` (`budgets.`)."""
    budget_id: str | None = None
    scheme_id: str | None = None
    since: float | None = None
    until: float | None = None
    """Unix times: since inclusive, until exclusive."""


COLUMNS = tuple(field.name for field in fields(AuditEntry))


class AuditTrail:
    def __init__(self, database: Database) -> None:
        self._db = database

    def append(self, entry: AuditEntry) -> int:
        values = {name: value for name, value in asdict(entry).items() if name != "id"}
        with self._db.transaction(immediate=True) as db:
            cursor = db.execute(f"INSERT INTO audit ({', '.join(values)}) VALUES "
                                f"({', '.join('?' for _ in values)})", tuple(values.values()))
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def record(self, user: str, action: str, path: str, status: int = 200, outcome: str = "ok",
               **subjects: str | None) -> int:
        """Appends an entry stamped now; `subjects`: budget_id, scheme_id, merchant_id, transaction_id."""
        return self.append(AuditEntry(at=time.time(), user=user, action=action, path=path, status=status,
                                      outcome=outcome, **subjects))

    def _where(self, query: AuditQuery) -> tuple[str, list]:
        clauses, values = [], []
        for column in ("user", "budget_id", "scheme_id"):
            value = getattr(query, column)
            if value:
                clauses.append(f"{column} = ?")
                values.append(value)
        if query.action:
            if query.action.endswith("."):
                clauses.append("substr(action, 1, ?) = ?")
                values += [len(query.action), query.action]
            else:
                clauses.append("action = ?")
                values.append(query.action)
        if query.since is not None:
            clauses.append("at >= ?")
            values.append(query.since)
        if query.until is not None:
            clauses.append("at < ?")
            values.append(query.until)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", values

    def find(self, query: AuditQuery, limit: int = 100, before: int | None = None) -> list[AuditEntry]:
        """Newest first, at most `limit` (up to MAX_PAGE); `before`: only entries older than that id."""
        where, values = self._where(query)
        if before is not None:
            where += (" AND " if where else " WHERE ") + "id < ?"
            values.append(before)
        rows = self._db.connection().execute(
            f"SELECT {', '.join(COLUMNS)} FROM audit{where} ORDER BY id DESC LIMIT ?",
            (*values, min(limit, MAX_PAGE))).fetchall()
        return [AuditEntry(**dict(row)) for row in rows]

    def every(self, query: AuditQuery) -> Iterator[AuditEntry]:
        """Every matching entry, oldest first (for exports)."""
        where, values = self._where(query)
        for row in self._db.connection().execute(f"SELECT {', '.join(COLUMNS)} FROM audit{where} ORDER BY id",
                                                 values):
            yield AuditEntry(**dict(row))

    def recorded_personal_data(self) -> list[str]:
        """Budgets whose personal data was last recorded, not purged, through a gateway that
        shares this database (what the retention rule has to look at)."""
        rows = self._db.connection().execute(
            # A purge that found nothing (NOT_FOUND: purged some other way) ends it as well.
            "SELECT budget_id, action FROM audit WHERE budget_id IS NOT NULL AND action IN (?, ?, ?)"
            " AND (status < 300 OR (action != ? AND outcome = 'NOT_FOUND')) ORDER BY id",
            (RECORDED, *PURGED, RECORDED)).fetchall()
        last: dict[str, str] = {}
        for row in rows:
            last[row["budget_id"]] = row["action"]
        return [budget for budget, action in last.items() if action == RECORDED]


RECORDED = "budgets.record_personal_data"
RETENTION_PURGE = "retention.purge_personal_data"
PURGED = ("budgets.purge_personal_data", RETENTION_PURGE)


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: a leading =, +, - or @ would make it a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_csv(entries: Iterator[AuditEntry]) -> Iterator[str]:
    """The entries as CSV text, a header first, times in UTC ISO 8601."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["time", *COLUMNS[1:-1], "id"])
    for entry in entries:
        writer.writerow([time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(entry.at)),
                         *(csv_cell(getattr(entry, name)) for name in COLUMNS[1:-1]), entry.id])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
