"""The SQLite database in the data dir, safe across the gateway's threads and
the `grootboek api` commands that change it while the gateway runs.

WAL lets readers proceed while one process writes; `BEGIN IMMEDIATE` takes the write lock up front
so read-then-write sequences (claiming an idempotency key) are atomic across processes.

The database holds who may use the gateway and which payments are settled, so losing it silently
is worse than not starting: a marker next to it records that it was created, and a missing or
empty database where the marker says one existed, or a damaged one, is refused at start
(DatabaseRefused) with what to do instead of starting "ok" with every user gone.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

FILE_NAME = "gateway.sqlite"
MARKER_NAME = "gateway.sqlite.created"
BUSY_TIMEOUT_MS = 10_000
RESTORE_HINT = "restore it from a backup (api/README.md, 'The database: backup and restore')"

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    msp_id TEXT NOT NULL,
    roles TEXT NOT NULL,
    merchant TEXT,
    certificate_sha256 TEXT NOT NULL,
    tls_cert_sha256 TEXT UNIQUE,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    expires_at REAL,
    revoked_at REAL
);
CREATE TABLE IF NOT EXISTS sessions (
    hash TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    token_hash TEXT NOT NULL REFERENCES tokens(hash) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency (
    user TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL,
    owner TEXT,
    lease_until REAL,
    transaction_id TEXT,
    envelope BLOB,
    fence_id TEXT,
    fence_envelope BLOB,
    status INTEGER,
    body BLOB,
    created_at REAL NOT NULL,
    PRIMARY KEY (user, key)
);
CREATE INDEX IF NOT EXISTS idempotency_created ON idempotency(created_at);
CREATE TABLE IF NOT EXISTS health (id INTEGER PRIMARY KEY CHECK (id = 1), checked_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    budget_id TEXT,
    scheme_id TEXT,
    merchant_id TEXT,
    transaction_id TEXT
);
CREATE INDEX IF NOT EXISTS audit_budget ON audit(budget_id);
CREATE INDEX IF NOT EXISTS audit_scheme ON audit(scheme_id);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""

# Columns added since a table was first created: (table, column, declaration, then: an update
# that fills it, if NULL is not right for existing rows). A record
# whose transaction was sent before envelopes were kept gets an empty one: it cannot be re-sent,
# but neither may it be taken for never sent (NULL).
MIGRATIONS = (("idempotency", "envelope", "BLOB",
               "UPDATE idempotency SET envelope = X'' WHERE transaction_id IS NOT NULL"),
              ("idempotency", "fence_id", "TEXT", None), ("idempotency", "fence_envelope", "BLOB", None))


class DatabaseRefused(Exception):
    """The database cannot be used as it is: it says why and what to do."""


class Database:
    """One connection per thread (sqlite3 connections must not cross threads), reopened after a
    fork."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FILE_NAME
        self.marker = Path(data_dir) / MARKER_NAME
        self._local = threading.local()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._refuse_a_lost_database()
        try:
            self.connection().executescript(SCHEMA)  # runs in its own transaction
            self._migrate()
            damage = self.connection().execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            self.close()
            raise DatabaseRefused(f"{self.path} is damaged ({exc}): {RESTORE_HINT}") from None
        if damage != "ok":
            self.close()
            raise DatabaseRefused(f"{self.path} is damaged ({damage}): {RESTORE_HINT}")
        self.path.chmod(0o600)
        if not self.marker.exists():
            self.marker.write_text(f"{time.strftime('%Y-%m-%dT%H:%M:%S%z')}\n")

    def _refuse_a_lost_database(self) -> None:
        if not self.marker.exists():
            return
        state = "missing" if not self.path.exists() else "empty" if self.path.stat().st_size == 0 else None
        if state:
            raise DatabaseRefused(
                f"{self.path} is {state}, but this data directory had a database (created "
                f"{self.marker.read_text().strip()}): {RESTORE_HINT}; or, to start afresh with no "
                f"users, tokens or payment records, delete {self.marker}")

    def check(self) -> None:
        """Raises sqlite3.Error unless the database can be read and written now (readiness)."""
        with self.transaction(immediate=True) as db:
            db.execute("SELECT count(*) FROM users").fetchone()
            db.execute("INSERT INTO health (id, checked_at) VALUES (1, ?) ON CONFLICT(id) DO UPDATE"
                       " SET checked_at = excluded.checked_at", (time.time(),))

    def _migrate(self) -> None:
        with self.transaction(immediate=True) as db:
            for table, column, declaration, then in MIGRATIONS:
                columns = {row["name"] for row in db.execute(f"PRAGMA table_info({table})")}
                if column not in columns:
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
                    if then:
                        db.execute(then)

    def connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            connection = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA foreign_keys=ON")
            connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def close(self) -> None:
        """Closes this thread's connection: one left open on a database that is then restored
        would write its WAL into the restored file when it is finally closed."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    @contextmanager
    def transaction(self, immediate: bool = False) -> Iterator[sqlite3.Connection]:
        connection = self.connection()
        connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
