"""Where the read model's store (store.py) keeps its rows: a gateway's own SQLite file (the default),
or a PostgreSQL database that several gateway instances share (the gateway's `readmodel.url`).

The store's SQL is written once, for both (qmark placeholders, `INSERT ... ON CONFLICT`); what the
two databases do differently is here, in a `Dialect` each: placeholders, how a write transaction
takes its lock, how a read sees one state, how tables are listed.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

FILE_NAME = "readmodel.sqlite"
BUSY_TIMEOUT_MS = 10_000
APPLICATION_NAME = "grootboek-readmodel"
CONNECT_TIMEOUT_S = 5
"""A report waits no longer than this for a server that does not answer (libpq waits forever)."""
TCP_LIMITS = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3,
              "tcp_user_timeout": 15_000}
"""A connection whose server or path died is found dead within a minute (the kernel's defaults take
two hours idle, or 15 minutes with data unacknowledged)."""
SESSION_LIMITS = "-c statement_timeout=60s -c lock_timeout=10s -c idle_in_transaction_session_timeout=60s"
"""What the server ends: a statement or lock wait that runs away, and a transaction left open by a
gateway that froze (its checkpoint lock would stop every other instance)."""


@dataclass(frozen=True)
class Dialect:
    placeholder: str
    """What the driver takes for a parameter; the store writes `?`."""
    without_rowid: str
    """SQLite's WITHOUT ROWID (a table that is its primary key); nothing elsewhere."""
    begin_write: str
    setup_lock: str
    """Run first in the transaction that makes the tables, so that instances starting together make
    them once; SQLite's BEGIN IMMEDIATE already holds the file's one write lock."""
    lock_row: str
    """Appended to the checkpoint's SELECT in a write: the row stays locked until the commit, and a
    second writer waits, then reads the row as the first one left it (READ COMMITTED)."""
    begin_read: str
    list_tables: str
    owns_database: bool
    """Whether every table in it is the read model's (a file of its own), or only the ones it names
    (a database that may hold others)."""


SQLITE = Dialect(placeholder="?", without_rowid="WITHOUT ROWID", begin_write="BEGIN IMMEDIATE", setup_lock="",
                 lock_row="", begin_read="BEGIN",
                 list_tables="SELECT name FROM sqlite_master WHERE type = 'table'", owns_database=True)
POSTGRES = Dialect(placeholder="%s", without_rowid="", begin_write="BEGIN ISOLATION LEVEL READ COMMITTED",
                   setup_lock="SELECT pg_advisory_xact_lock(hashtext('grootboek.readmodel'))", lock_row=" FOR UPDATE",
                   begin_read="BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                   list_tables="SELECT table_name FROM information_schema.tables "
                               "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
                   owns_database=False)


class DatabaseUnavailable(Exception):
    """The read model's database server cannot be reached, or dropped the connection: the reports wait
    for it, the rest of the gateway goes on."""


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Connection:
    """A driver's connection in autocommit mode (the store begins and ends its transactions itself),
    taking the store's SQL."""

    def __init__(self, raw: Any, dialect: Dialect) -> None:
        self.raw = raw
        self._translate = dialect.placeholder != "?"
        self._placeholder = dialect.placeholder

    def execute(self, sql: str, parameters: tuple = ()) -> Cursor:
        return self.raw.execute(sql.replace("?", self._placeholder) if self._translate else sql, parameters)

    @property
    def broken(self) -> bool:
        """Whether the server is gone from it (restarted, or it ended the session): a new one is needed.
        A SQLite file's connection has no such state."""
        return getattr(self.raw, "broken", False)

    def close(self) -> None:
        self.raw.close()


class _PostgresConnection(Connection):
    def __init__(self, raw: Any, failure: type[Exception]) -> None:
        super().__init__(raw, POSTGRES)
        self._failure = failure
        """psycopg's OperationalError (psycopg is imported only by a gateway that uses PostgreSQL)."""

    def execute(self, sql: str, parameters: tuple = ()) -> Cursor:
        try:
            return super().execute(sql, parameters)
        except self._failure as error:  # also a statement or lock wait the server ended
            what = "lost its connection" if self.broken else "did not answer in time"
            raise DatabaseUnavailable(f"the read model's database {what}: {error}") from error


class Backend(Protocol):
    dialect: Dialect
    where: str
    """For messages: the file, or the database's URL (which never holds the password)."""

    def connect(self) -> Connection: ...


class SqliteFile:
    dialect = SQLITE

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)
        path.parent.mkdir(parents=True, exist_ok=True)

    def connect(self) -> Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=True)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; a power cut may lose the last blocks
        db.execute("PRAGMA wal_autocheckpoint=16384")  # 64 MiB: fewer fsyncs while a ledger is taken
        return Connection(db, SQLITE)


class PasswordInUrl(ValueError):
    """A PostgreSQL URL with a password in it: it would show wherever the URL does."""


class Postgres:
    dialect = POSTGRES

    def __init__(self, url: str, password: str | None = None) -> None:
        self.url = checked_url(url)
        self.where = url
        self._password = password

    def connect(self) -> Connection:
        import psycopg  # here, not above: a gateway with a SQLite read model never loads it (10 MiB)
        secret = {} if self._password is None else {"password": self._password}
        try:
            raw = psycopg.connect(self.url, autocommit=True, application_name=APPLICATION_NAME,
                                  connect_timeout=CONNECT_TIMEOUT_S, options=SESSION_LIMITS, **TCP_LIMITS, **secret)
        except psycopg.OperationalError as error:
            raise DatabaseUnavailable(f"connecting to the read model's database at {self.where} failed: "
                                      f"{error}") from error
        return _PostgresConnection(raw, psycopg.OperationalError)


def checked_url(url: str) -> str:
    """The URL, if libpq reads it and it holds no password; ValueError (PasswordInUrl) naming what is wrong."""
    if {"password", "sslpassword"} & set(_url_parts(url)):
        raise PasswordInUrl("the PostgreSQL URL holds a password: give it in readmodel.password_file (or "
                            "libpq's PGPASSWORD or ~/.pgpass), so that it shows nowhere the URL does")
    return url


def _url_parts(url: str) -> dict[str, str]:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict
    if not url.startswith(("postgresql://", "postgres://")):
        # Not quoted back: a mistyped URL may still hold a password.
        raise ValueError("not a PostgreSQL URL: expected postgresql://user@host:port/database")
    try:
        return conninfo_to_dict(url)
    except psycopg.ProgrammingError as bad:
        raise ValueError(f"not a PostgreSQL URL libpq reads: {bad}") from None
