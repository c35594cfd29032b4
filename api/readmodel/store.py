"""The read model's store: rows taken from the ledger's blocks, and the checkpoint that says how far
they go, written in one database transaction per block, so a crash leaves either the block's rows
with the checkpoint past it or neither, and a restart resumes where the rows end and never counts a
transaction twice. A block is taken whole, so the checkpoint is the next block alone (Fabric's
checkpoints add a transaction index for listeners that commit transaction by transaction); each
transaction's block and index are kept with its id.

The database is a gateway's own SQLite file by default, or a PostgreSQL database that several
gateway instances share (backends.py): the SQL here is the same for both, what differs is in
backends.py's dialects. Instances sharing a database take turns per block: each locks the checkpoint
row and reads it again inside its transaction, so a block two of them hold at once is taken by the
first and found taken by the second.

What it keeps holds no personal data: statement lines and budgets as the budgets chaincode writes
them, without the beneficiary's pseudonym or the holder's key (budget ids are the municipality's
own keyed pseudonyms, needed to count the budgets behind a report's cell). Besides the lines it
keeps the reports' cells as they grow: per scheme, month and category (or shop) the amount and
the number of budgets that paid (which budgets those are is kept beside them, so each counts once),
and per shop which budgets paid there; a report reads its cells, however many payments made them.

Months are the municipality's own (Europe/Amsterdam unless the gateway says otherwise): a payment at
00:30 on 1 March in Groningen is a March payment, though the ledger's clock says 23:30 on 28 February.
The checkpoint names the zone its cells are counted in; a store opened with another zone is emptied
and taken again, as for another layout, and a gateway that finds the zone changed under it (another
instance of other settings) stops taking blocks and says why.
"""
from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Callable, Iterator, TypeVar
from zoneinfo import ZoneInfo

from fabric_protos.common import common_pb2

from .backends import Backend, Connection, DatabaseUnavailable
from .blocks import Transaction, Write, valid_transactions

LAYOUT = 3
"""The tables' layout (the `layout` table): a database of another layout is emptied and filled again
from the ledger, which a gateway does by itself from block 0."""
TIME_ZONE = "Europe/Amsterdam"
READERS = 8
"""Reads of the read model at once (reports); each takes milliseconds while the database answers."""
READ_WAIT_S = 2.0
"""How long a read waits for one of the READERS, or for the tables' setup, before it is refused."""

SCHEMA = """
CREATE TABLE layout (
    version INTEGER NOT NULL
);
CREATE TABLE checkpoint (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    next_block INTEGER NOT NULL,
    time_zone TEXT NOT NULL
);
CREATE TABLE transactions (
    id TEXT PRIMARY KEY,
    block INTEGER NOT NULL,
    tx_index INTEGER NOT NULL
) {without_rowid};
CREATE TABLE schemes (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    unit TEXT NOT NULL
) {without_rowid};
CREATE TABLE budgets (
    id TEXT PRIMARY KEY,
    scheme_id TEXT NOT NULL,
    status TEXT NOT NULL,
    activated INTEGER NOT NULL,
    granted INTEGER NOT NULL,
    balance INTEGER NOT NULL,
    returned INTEGER NOT NULL,
    issued_month TEXT NOT NULL
) {without_rowid};
CREATE INDEX budgets_scheme ON budgets(scheme_id);
CREATE TABLE lines (
    id TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    scheme_id TEXT NOT NULL,
    amount INTEGER NOT NULL,
    at TEXT NOT NULL,
    budget_id TEXT,
    category TEXT,
    settlement_id TEXT,
    block INTEGER NOT NULL,
    PRIMARY KEY (id, merchant_id)
) {without_rowid};
CREATE TABLE cells (
    scheme_id TEXT NOT NULL,
    dimension TEXT NOT NULL,
    month TEXT NOT NULL,
    value TEXT NOT NULL,
    amount BIGINT NOT NULL,
    budgets INTEGER NOT NULL,
    PRIMARY KEY (scheme_id, dimension, month, value)
) {without_rowid};
CREATE TABLE cell_budgets (
    scheme_id TEXT NOT NULL,
    dimension TEXT NOT NULL,
    month TEXT NOT NULL,
    value TEXT NOT NULL,
    budget_id TEXT NOT NULL,
    PRIMARY KEY (scheme_id, dimension, month, value, budget_id)
) {without_rowid};
CREATE TABLE shop_budgets (
    scheme_id TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    budget_id TEXT NOT NULL,
    PRIMARY KEY (scheme_id, merchant_id, budget_id)
) {without_rowid};
CREATE TABLE receivables (
    scheme_id TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    paid BIGINT NOT NULL DEFAULT 0,
    refunded BIGINT NOT NULL DEFAULT 0,
    settled BIGINT NOT NULL DEFAULT 0,
    budgets INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scheme_id, merchant_id)
) {without_rowid};
"""
"""Amounts summed over a year of a city are BIGINT (PostgreSQL's INTEGER stops at 2^31 cents); SQLite's
integers are 64-bit whatever the name. WITHOUT ROWID is SQLite's: its tables are then their primary key."""
TABLES = ("transactions", "schemes", "budgets", "lines", "cells", "cell_budgets", "shop_budgets", "receivables")

OWN_TABLES = frozenset({"layout", "checkpoint", *TABLES})

T = TypeVar("T")

_STATEMENT, _BUDGET, _SCHEME = "\x00statement\x00", "\x00budget\x00", "\x00scheme\x00"
_RECEIVABLE_COLUMN = {"payment": "paid", "refund": "refunded", "settlement": "settled"}


class BlockGap(Exception):
    """A block after the next one the read model needs: its stream must start again from the
    checkpoint (a rebuild reset it, or another process moved it)."""


class ZoneChanged(Exception):
    """The database's months are counted in another time zone than this gateway's: another instance
    sharing it opened it with other settings."""


class Store:
    """One database, used from the ingest thread and the gateway's request threads (a connection
    per thread: SQLite's WAL, and PostgreSQL, let the reports read while a block is written)."""

    def __init__(self, backend: Backend, chaincode: str, time_zone: str = TIME_ZONE) -> None:
        """Connects at first use, not here: a gateway starts, and takes payments, while the read
        model's database is down; its reports answer DatabaseUnavailable until it is up."""
        self.backend = backend
        self.chaincode = chaincode
        self.time_zone = time_zone
        self._zone = ZoneInfo(time_zone)
        self._local = threading.local()
        self._set_up = False
        self._setting_up = threading.Lock()
        self._readers = threading.BoundedSemaphore(READERS)

    def connection(self) -> Connection:
        """This thread's connection; a new one if the server dropped the last (a PostgreSQL restart
        costs the transaction it cut, not the gateway's following of the channel). The first one
        finds the tables, or makes them."""
        db = getattr(self._local, "db", None)
        if db is None or db.broken:
            db = self._local.db = self.backend.connect()
        if not self._set_up:
            if not self._setting_up.acquire(timeout=READ_WAIT_S):
                raise DatabaseUnavailable(f"the read model's tables at {self.backend.where} are still being set up")
            try:
                if not self._set_up:
                    self._set_up_tables(db)
                    self._set_up = True
            finally:
                self._setting_up.release()
        return db

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """One of the READERS reads at a time: a database that stops answering holds that many of
        the gateway's threads, and the next read is refused after READ_WAIT_S instead of waiting."""
        if not self._readers.acquire(timeout=READ_WAIT_S):
            raise DatabaseUnavailable(f"{READERS} reads of the read model at {self.backend.where} are waiting for "
                                      f"its database")
        try:
            yield
        finally:
            self._readers.release()

    def _first_statement(self, read: Callable[[Connection], T]) -> T:
        """`read(connection)`, once more on a new connection if the server had dropped the one kept
        (it sat idle through a PostgreSQL restart); only for reads, which may be repeated."""
        reused = getattr(self._local, "db", None) is not None
        db = self.connection()
        try:
            return read(db)
        except DatabaseUnavailable:
            if not (reused and db.broken):
                raise
            return read(self.connection())

    def _set_up_tables(self, db: Connection) -> None:
        with self._write(db, setup=True):
            tables = {name for (name,) in db.execute(self.backend.dialect.list_tables).fetchall()}
            layout = db.execute("SELECT version FROM layout").fetchone() if "layout" in tables else None
            if layout is None or layout[0] != LAYOUT:
                # Another version's layout (or a new database): the rows can always be taken again.
                for table in tables if self.backend.dialect.owns_database else tables & OWN_TABLES:
                    db.execute(f'DROP TABLE "{table}"')
                for statement in SCHEMA.format(without_rowid=self.backend.dialect.without_rowid).split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute("INSERT INTO layout (version) VALUES (?)", (LAYOUT,))
                db.execute("INSERT INTO checkpoint (id, next_block, time_zone) VALUES (1, 0, ?)",
                           (self.time_zone,))
            elif db.execute("SELECT time_zone FROM checkpoint").fetchone()[0] != self.time_zone:
                _empty(db)  # months counted in another zone: count them again
                db.execute("UPDATE checkpoint SET time_zone = ?", (self.time_zone,))

    @contextmanager
    def _write(self, db: Connection, setup: bool = False) -> Iterator[Connection]:
        db.execute(self.backend.dialect.begin_write)
        try:
            if setup and self.backend.dialect.setup_lock:
                db.execute(self.backend.dialect.setup_lock)  # instances starting at once make it once
            yield db
        except BaseException:
            if not db.broken:  # a dropped connection's transaction is gone with it
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """A read-only transaction: what it reads is one state of the store, rows and checkpoint alike."""
        def begin(db: Connection) -> Connection:
            db.execute(self.backend.dialect.begin_read)
            return db

        with self._reading():
            db = self._first_statement(begin)
            try:
                yield db
            finally:
                if not db.broken:
                    db.execute("COMMIT")

    def query(self, sql: str, parameters: tuple = ()) -> list[tuple[Any, ...]]:
        with self._reading():
            return self._first_statement(lambda db: db.execute(sql, parameters).fetchall())

    def next_block(self) -> int:
        """The checkpoint: every block before this one is taken, and nothing of a later one."""
        with self._reading():
            return self._first_statement(lambda db: db.execute("SELECT next_block FROM checkpoint").fetchone()[0])

    def _lock_checkpoint(self, db: Connection) -> int:
        """The next block, read again under the checkpoint's lock (another instance may have moved it)."""
        wanted, zone = db.execute("SELECT next_block, time_zone FROM checkpoint" + self.backend.dialect.lock_row
                                  ).fetchone()
        if zone != self.time_zone:
            raise ZoneChanged(f"the read model at {self.backend.where} counts months in {zone}, this gateway in "
                              f"{self.time_zone}: give every gateway that shares it the same "
                              f"office.report_time_zone")
        return wanted

    def apply(self, block: common_pb2.Block) -> bool:
        """Takes the block's valid transactions and moves the checkpoint past it, in one database
        transaction. False for a block already taken; BlockGap for one beyond the next."""
        transactions = valid_transactions(block, self.chaincode)
        number = block.header.number
        with self._write(self.connection()) as db:
            wanted = self._lock_checkpoint(db)
            if number < wanted:
                return False
            if number > wanted:
                raise BlockGap(f"block {number} arrived, the read model needs block {wanted} first")
            for transaction in transactions:
                _take(db, number, transaction, self._zone)
            db.execute("UPDATE checkpoint SET next_block = ?", (number + 1,))
        return True

    def reset(self) -> None:
        """Empties it, to be taken again from the first block (a rebuild)."""
        with self._write(self.connection()) as db:
            self._lock_checkpoint(db)
            _empty(db)

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


def _empty(db: Connection) -> None:
    for table in TABLES:
        db.execute(f"DELETE FROM {table}")
    db.execute("UPDATE checkpoint SET next_block = 0")


def month(at: str, zone: ZoneInfo) -> str:
    """The month (YYYY-MM) of a ledger timestamp in `zone` (its daylight saving time included)."""
    return datetime.fromisoformat(at).astimezone(zone).strftime("%Y-%m")


def _take(db: Connection, block: int, transaction: Transaction, zone: ZoneInfo) -> None:
    """One transaction's rows; nothing if its id was taken before (a copy of it, in this block or
    another, is counted once)."""
    taken = db.execute("INSERT INTO transactions (id, block, tx_index) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                       (transaction.transaction_id, block, transaction.index))
    if taken.rowcount == 0:
        return
    for write in transaction.writes:
        if write.is_delete:
            continue
        if write.key.startswith(_STATEMENT):
            _take_line(db, block, json.loads(write.value), zone)
        elif write.key.startswith(_BUDGET):
            _take_budget(db, json.loads(write.value), zone)
        elif write.key.startswith(_SCHEME):
            _take_scheme(db, write)


def _take_line(db: Connection, block: int, line: dict, zone: ZoneInfo) -> None:
    kind, scheme_id, merchant_id, amount = line["kind"], line["scheme_id"], line["merchant_id"], line["amount"]
    inserted = db.execute(
        "INSERT INTO lines (id, merchant_id, kind, scheme_id, amount, at, budget_id, category, "
        "settlement_id, block) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (line["id"], merchant_id, kind, scheme_id, amount, line["at"], line.get("budget_id"),
         line.get("category"), line.get("settlement_id"), block))
    if inserted.rowcount == 0:
        return
    new_budget = 0
    if kind != "settlement":
        new_budget = db.execute("INSERT INTO shop_budgets (scheme_id, merchant_id, budget_id) "
                                "VALUES (?, ?, ?) ON CONFLICT DO NOTHING", (scheme_id, merchant_id, line["budget_id"])
                                ).rowcount
    column = _RECEIVABLE_COLUMN[kind]
    db.execute(f"INSERT INTO receivables (scheme_id, merchant_id, {column}, budgets) VALUES (?, ?, ?, ?) "
               f"ON CONFLICT (scheme_id, merchant_id) DO UPDATE SET {column} = receivables.{column} + "
               f"excluded.{column}, budgets = receivables.budgets + excluded.budgets",
               (scheme_id, merchant_id, amount, new_budget))
    if kind == "settlement":
        return
    signed = amount if kind == "payment" else -amount
    in_month = month(line["at"], zone)
    for dimension, value in (("category", line["category"]), ("merchant", merchant_id)):
        new_budget = db.execute("INSERT INTO cell_budgets (scheme_id, dimension, month, value, budget_id) "
                                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                                (scheme_id, dimension, in_month, value, line["budget_id"])).rowcount
        db.execute("INSERT INTO cells (scheme_id, dimension, month, value, amount, budgets) VALUES (?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (scheme_id, dimension, month, value) DO UPDATE SET amount = cells.amount + "
                   "excluded.amount, budgets = cells.budgets + excluded.budgets",
                   (scheme_id, dimension, in_month, value, signed, new_budget))


def _take_budget(db: Connection, budget: dict, zone: ZoneInfo) -> None:
    db.execute("INSERT INTO budgets (id, scheme_id, status, activated, granted, balance, returned, issued_month) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET scheme_id = excluded.scheme_id, "
               "status = excluded.status, activated = excluded.activated, granted = excluded.granted, "
               "balance = excluded.balance, returned = excluded.returned, issued_month = excluded.issued_month",
               (budget["id"], budget["scheme_id"], budget["status"], int(budget.get("holder_key") is not None),
                budget["granted"], budget["balance"], budget["returned"], month(budget["issued_at"], zone)))


def _take_scheme(db: Connection, write: Write) -> None:
    scheme = json.loads(write.value)
    db.execute("INSERT INTO schemes (id, name, status, unit) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
               "name = excluded.name, status = excluded.status, unit = excluded.unit",
               (scheme["id"], scheme["terms"]["name"], scheme["status"], json.dumps(scheme["terms"]["unit"])))
