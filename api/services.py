"""Everything a request handler needs, built once per app from the configuration, and
`current_services()` to reach it during a request (as flaskr's `get_db()`)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from grootboek.client import FileWallet

from .config import ApiConfig
from .events.feeds import Feeds
from .fabric.connections import Connections
from .fabric.invoker import Invoker
from .fabric.ledger import Ledger
from .fabric.refusals import Refusals
from .fabric.writes import Writes
from .metrics import Metrics
from .readmodel.backends import FILE_NAME as READ_MODEL_FILE, Backend, Postgres, SqliteFile
from .readmodel.store import Store
from .store.audit import AuditTrail
from .store.database import Database
from .store.idempotency import IdempotencyStore
from .store.sessions import Sessions
from .store.tokens import Tokens
from .store.users import Users

WALLET_DIR = "wallet"
_EXTENSION = "grootboek.api"


def wallet(config: ApiConfig) -> FileWallet:
    return FileWallet(config.data_dir / WALLET_DIR)


@dataclass
class Services:
    config: ApiConfig
    wallet: FileWallet
    database: Database
    users: Users
    tokens: Tokens
    sessions: Sessions
    idempotency: IdempotencyStore
    connections: Connections
    invoker: Invoker
    ledger: Ledger
    writes: Writes
    refusals: Refusals
    metrics: Metrics
    feeds: Feeds
    audit: AuditTrail
    readmodel: Store | None
    """The back office's reports (api/readmodel/), on a gateway that serves the office."""

    @classmethod
    def open(cls, config: ApiConfig, invoker: Invoker | None = None,
             ledger: Ledger | None = None) -> Services:
        """`invoker` and `ledger` replace the real Fabric ones (tests)."""
        database = Database(config.data_dir)
        idempotency = IdempotencyStore(database)
        identities = wallet(config)
        connections = Connections(config.connection_profile, identities)
        invoker = invoker or Invoker(connections)
        ledger = ledger or Ledger(invoker)
        return cls(config=config, wallet=identities, database=database, users=Users(database),
                   tokens=Tokens(database), sessions=Sessions(database),
                   idempotency=idempotency, connections=connections, invoker=invoker, ledger=ledger,
                   writes=Writes(idempotency, invoker, ledger), refusals=Refusals(connections),
                   metrics=Metrics(), feeds=Feeds(streams_per_user=config.limits.event_streams_per_user),
                   audit=AuditTrail(database), readmodel=read_model(config))

    def install(self, app: Flask) -> None:
        """Makes these the services `current_services()` returns in `app`'s requests."""
        app.extensions[_EXTENSION] = self


def read_model(config: ApiConfig) -> Store | None:
    """The read model's store, on a gateway that serves the back office (its reports need it)."""
    budgets = config.chaincode("budgets")
    if budgets is None or "office" not in config.apps:
        return None
    return Store(read_model_backend(config), budgets.chaincode, config.office.report_time_zone)


def read_model_backend(config: ApiConfig) -> Backend:
    """The gateway's own SQLite file, or the PostgreSQL database its `readmodel` names."""
    if config.readmodel is None:
        return SqliteFile(config.data_dir / READ_MODEL_FILE)
    secret = config.readmodel.password_file
    return Postgres(config.readmodel.url, None if secret is None else secret.read_text().strip())


def current_services() -> Services:
    """The services of the app handling the current request."""
    return current_app.extensions[_EXTENSION]
