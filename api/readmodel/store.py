"""The read model's SQLite file (`<data_dir>/readmodel.sqlite`): rows taken from the ledger's
blocks, and the checkpoint that says how far they go, written in one SQLite transaction per block,
so a crash leaves either the block's rows with the checkpoint past it or neither, and a restart
resumes where the rows end and never counts a transaction twice. A block is taken whole, so the
checkpoint is the next block alone (Fabric's checkpoints add a transaction index for listeners
that commit transaction by transaction); each transaction's block and index are kept with its id.

What it keeps holds no personal data: statement lines and budgets as the budgets chaincode writes
them, without the beneficiary's pseudonym or the holder's key (budget ids are the municipality's
own keyed pseudonyms, needed to count the budgets behind a report's cell). Besides the lines it
keeps the reports' cells as they grow: per scheme, month and category (or shop) the amount and
the number of budgets that paid (which budgets those are is kept beside them, so each counts once),
and per shop which budgets paid there; a report reads its cells, however many payments made them.

Months are the municipality's own (Europe/Amsterdam unless the gateway says otherwise): a payment at
00:30 on 1 March in Groningen is a March payment, though the ledger's clock says 23:30 on 28 February.
The cells are counted in the zone the store was made with; a store opened with another zone is
emptied and taken again, as for another layout.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator
from zoneinfo import ZoneInfo

from fabric_protos.common import common_pb2

from .blocks import Transaction, Write, valid_transactions

FILE_NAME = "readmodel.sqlite"
LAYOUT = 2
"""The tables' layout (SQLite's user_version): a file of another layout is emptied and filled again
from the ledger, which a gateway does by itself from block 0."""
BUSY_TIMEOUT_MS = 10_000
TIME_ZONE = "Europe/Amsterdam"

SCHEMA = """
CREATE TABLE IF NOT EXISTS checkpoint (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    next_block INTEGER NOT NULL,
    time_zone TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS transactions (
    id TEXT PRIMARY KEY,
    block INTEGER NOT NULL,
    tx_index INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS schemes (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    unit TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS budgets (
    id TEXT PRIMARY KEY,
    scheme_id TEXT NOT NULL,
    status TEXT NOT NULL,
    activated INTEGER NOT NULL,
    granted INTEGER NOT NULL,
    balance INTEGER NOT NULL,
    returned INTEGER NOT NULL,
    issued_month TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS budgets_scheme ON budgets(scheme_id);
CREATE TABLE IF NOT EXISTS lines (
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
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cells (
    scheme_id TEXT NOT NULL,
    dimension TEXT NOT NULL,
    month TEXT NOT NULL,
    value TEXT NOT NULL,
    amount INTEGER NOT NULL,
    budgets INTEGER NOT NULL,
    PRIMARY KEY (scheme_id, dimension, month, value)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cell_budgets (
    scheme_id TEXT NOT NULL,
    dimension TEXT NOT NULL,
    month TEXT NOT NULL,
    value TEXT NOT NULL,
    budget_id TEXT NOT NULL,
    PRIMARY KEY (scheme_id, dimension, month, value, budget_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS shop_budgets (
    scheme_id TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    budget_id TEXT NOT NULL,
    PRIMARY KEY (scheme_id, merchant_id, budget_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS receivables (
    scheme_id TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    paid INTEGER NOT NULL DEFAULT 0,
    refunded INTEGER NOT NULL DEFAULT 0,
    settled INTEGER NOT NULL DEFAULT 0,
    budgets INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scheme_id, merchant_id)
) WITHOUT ROWID;
"""
TABLES = ("transactions", "schemes", "budgets", "lines", "cells", "cell_budgets", "shop_budgets", "receivables")

_STATEMENT, _BUDGET, _SCHEME = "\x00statement\x00", "\x00budget\x00", "\x00scheme\x00"
_RECEIVABLE_COLUMN = {"payment": "paid", "refund": "refunded", "settlement": "settled"}


class BlockGap(Exception):
    """A block after the next one the read model needs: its stream must start again from the
    checkpoint (a rebuild reset it, or another process moved it)."""




class Store:
    """One file, used from the ingest thread and the gateway's request threads (a connection per
    thread; WAL lets the reports read while a block is written)."""

    def __init__(self, path: Path, chaincode: str, time_zone: str = TIME_ZONE) -> None:
        self.path = path
        self.chaincode = chaincode
        self.time_zone = time_zone
        self._zone = ZoneInfo(time_zone)
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._write() as db:
            if db.execute("PRAGMA user_version").fetchone()[0] != LAYOUT:
                # Another version's layout (or a new file): the rows can always be taken again.
                for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                    db.execute(f'DROP TABLE "{table}"')
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {LAYOUT}")
            counted_in = db.execute("SELECT time_zone FROM checkpoint").fetchone()
            if counted_in is None:
                db.execute("INSERT INTO checkpoint (id, next_block, time_zone) VALUES (1, 0, ?)", (time_zone,))
            elif counted_in[0] != time_zone:  # months counted in another zone: count them again
                _empty(db)
                db.execute("UPDATE checkpoint SET time_zone = ?", (time_zone,))

    def connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                 check_same_thread=True)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; a power cut may lose the last blocks
            db.execute("PRAGMA wal_autocheckpoint=16384")  # 64 MiB: fewer fsyncs while a ledger is taken
            self._local.db = db
        return db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self.connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def next_block(self) -> int:
        """The checkpoint: every block before this one is taken, and nothing of a later one."""
        return self.connection().execute("SELECT next_block FROM checkpoint").fetchone()[0]

    def apply(self, block: common_pb2.Block) -> bool:
        """Takes the block's valid transactions and moves the checkpoint past it, in one SQLite
        transaction. False for a block already taken; BlockGap for one beyond the next."""
        transactions = valid_transactions(block, self.chaincode)
        number = block.header.number
        with self._write() as db:
            wanted = db.execute("SELECT next_block FROM checkpoint").fetchone()[0]
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
        with self._write() as db:
            _empty(db)

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


def _empty(db: sqlite3.Connection) -> None:
    for table in TABLES:
        db.execute(f"DELETE FROM {table}")
    db.execute("UPDATE checkpoint SET next_block = 0")


def month(at: str, zone: ZoneInfo) -> str:
    """The month (YYYY-MM) of a ledger timestamp in `zone` (its daylight saving time included)."""
    return datetime.fromisoformat(at).astimezone(zone).strftime("%Y-%m")


def _take(db: sqlite3.Connection, block: int, transaction: Transaction, zone: ZoneInfo) -> None:
    """One transaction's rows; nothing if its id was taken before (a copy of it, in this block or
    another, is counted once)."""
    taken = db.execute("INSERT OR IGNORE INTO transactions (id, block, tx_index) VALUES (?, ?, ?)",
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


def _take_line(db: sqlite3.Connection, block: int, line: dict, zone: ZoneInfo) -> None:
    kind, scheme_id, merchant_id, amount = line["kind"], line["scheme_id"], line["merchant_id"], line["amount"]
    inserted = db.execute(
        "INSERT OR IGNORE INTO lines (id, merchant_id, kind, scheme_id, amount, at, budget_id, category, "
        "settlement_id, block) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (line["id"], merchant_id, kind, scheme_id, amount, line["at"], line.get("budget_id"),
         line.get("category"), line.get("settlement_id"), block))
    if inserted.rowcount == 0:
        return
    new_budget = 0
    if kind != "settlement":
        new_budget = db.execute("INSERT OR IGNORE INTO shop_budgets (scheme_id, merchant_id, budget_id) "
                                "VALUES (?, ?, ?)", (scheme_id, merchant_id, line["budget_id"])).rowcount
    column = _RECEIVABLE_COLUMN[kind]
    db.execute(f"INSERT INTO receivables (scheme_id, merchant_id, {column}, budgets) VALUES (?, ?, ?, ?) "
               f"ON CONFLICT DO UPDATE SET {column} = {column} + excluded.{column}, "
               f"budgets = budgets + excluded.budgets", (scheme_id, merchant_id, amount, new_budget))
    if kind == "settlement":
        return
    signed = amount if kind == "payment" else -amount
    in_month = month(line["at"], zone)
    for dimension, value in (("category", line["category"]), ("merchant", merchant_id)):
        new_budget = db.execute("INSERT OR IGNORE INTO cell_budgets (scheme_id, dimension, month, value, budget_id) "
                                "VALUES (?, ?, ?, ?, ?)", (scheme_id, dimension, in_month, value, line["budget_id"])
                                ).rowcount
        db.execute("INSERT INTO cells (scheme_id, dimension, month, value, amount, budgets) VALUES (?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT DO UPDATE SET amount = amount + excluded.amount, budgets = budgets + excluded.budgets",
                   (scheme_id, dimension, in_month, value, signed, new_budget))


def _take_budget(db: sqlite3.Connection, budget: dict, zone: ZoneInfo) -> None:
    db.execute("INSERT OR REPLACE INTO budgets (id, scheme_id, status, activated, granted, balance, returned, "
               "issued_month) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (budget["id"], budget["scheme_id"], budget["status"], budget.get("holder_key") is not None,
                budget["granted"], budget["balance"], budget["returned"], month(budget["issued_at"], zone)))


def _take_scheme(db: sqlite3.Connection, write: Write) -> None:
    scheme = json.loads(write.value)
    db.execute("INSERT OR REPLACE INTO schemes (id, name, status, unit) VALUES (?, ?, ?, ?)",
               (scheme["id"], scheme["terms"]["name"], scheme["status"], json.dumps(scheme["terms"]["unit"])))
