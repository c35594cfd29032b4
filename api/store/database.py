"""The SQLite database in the data dir, safe across the gateway's threads and
the `grootboek api` commands that change it while the gateway runs.

WAL lets readers proceed while one process writes; `BEGIN IMMEDIATE` takes the write lock up front
so read-then-write sequences (claiming an idempotency key) are atomic across processes.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

FILE_NAME = "gateway.sqlite"
BUSY_TIMEOUT_MS = 10_000

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
CREATE TABLE IF NOT EXISTS idempotency (
    user TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL,
    owner TEXT,
    lease_until REAL,
    transaction_id TEXT,
    envelope BLOB,
    status INTEGER,
    body BLOB,
    created_at REAL NOT NULL,
    PRIMARY KEY (user, key)
);
CREATE INDEX IF NOT EXISTS idempotency_created ON idempotency(created_at);
"""

# Columns added since a table was first created: (table, column, declaration, then). A record
# whose transaction was sent before envelopes were kept gets an empty one: it cannot be re-sent,
# but neither may it be taken for never sent (NULL).
MIGRATIONS = (("idempotency", "envelope", "BLOB",
               "UPDATE idempotency SET envelope = X'' WHERE transaction_id IS NOT NULL"),)


class Database:
    """One connection per thread (sqlite3 connections must not cross threads), reopened after a
    fork."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FILE_NAME
        self._local = threading.local()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.connection().executescript(SCHEMA)  # runs in its own transaction
        self._migrate()
        self.path.chmod(0o600)

    def _migrate(self) -> None:
        with self.transaction(immediate=True) as db:
            for table, column, declaration, then in MIGRATIONS:
                columns = {row["name"] for row in db.execute(f"PRAGMA table_info({table})")}
                if column not in columns:
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
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
