"""Idempotency records: the first outcome of each (user, Idempotency-Key), shared by every thread.

A record is `pending` while one request works on it: held by an owner whose lease the gateway
renews while the request runs (`held`), so a gateway that dies (kill -9, power cut) stops renewing
and the next request with the key takes the record over once the lease lapses — a lease, not a
process id, which would mean nothing after a restart or on another host. A record is
`done` with the response to replay, or `unknown` when its transaction may still commit. The
transaction id is recorded before each proposal is endorsed, and the signed envelope before it is
first sent for ordering, so whoever finds the record later knows which transaction to ask about,
and can re-send that same envelope, instead of submitting a second transaction. A fence committed
to settle it for good (`Writes`) is kept the same way: its transaction id and envelope.
"""
from __future__ import annotations

import logging
import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from .database import Database

logger = logging.getLogger(__name__)

PENDING, DONE, UNKNOWN = "pending", "done", "unknown"
LEASE_SECONDS = 10.0
RETENTION_SECONDS = 24 * 3600
PURGE_INTERVAL_SECONDS = 3600


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: bytes
    transaction_id: str | None


@dataclass(frozen=True)
class Claimed:
    """This request owns the key: go ahead."""

    owner: str


@dataclass(frozen=True)
class Replay:
    response: StoredResponse


@dataclass(frozen=True)
class InProgress:
    """Another request holds the key and its lease is running."""


@dataclass(frozen=True)
class Unresolved:
    """An earlier attempt may have reached the ledger: ask about `transaction_id` (None: it never
    made a proposal) before doing anything, re-sending `envelope` (None: it was never signed, so
    never sent) to settle it. This request now owns the key."""

    owner: str
    transaction_id: str | None
    envelope: bytes | None = None
    since: float = 0.0
    """When the key's first request came (Unix seconds)."""
    fence_id: str | None = None
    fence_envelope: bytes | None = None
    """The fence sent to settle the transaction, if one was signed."""


@dataclass(frozen=True)
class Mismatch:
    """The key was used for a different request."""


Claim = Claimed | Replay | InProgress | Unresolved | Mismatch


class IdempotencyStore:
    def __init__(self, database: Database, lease_seconds: float = LEASE_SECONDS) -> None:
        self._db = database
        self.lease_seconds = lease_seconds
        self._next_purge = 0.0
        self._held: set[tuple[str, str, str]] = set()
        self._renewer: threading.Thread | None = None
        self.renewed = threading.Condition()
        self.renewals = 0
        """Lease renewals so far (under `renewed`, notified after each round)."""

    def claim(self, user: str, key: str, fingerprint: str) -> Claim:
        now, owner = time.time(), secrets.token_hex(8)
        if now >= self._next_purge:  # now and then, by whichever request comes by
            self._next_purge = now + PURGE_INTERVAL_SECONDS
            self.purge()
        with self._db.transaction(immediate=True) as db:
            row = db.execute("SELECT * FROM idempotency WHERE user = ? AND key = ?", (user, key)).fetchone()
            if row is None:
                db.execute("INSERT INTO idempotency (user, key, fingerprint, state, owner, lease_until,"
                           " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (user, key, fingerprint, PENDING, owner, now + self.lease_seconds, now))
                return Claimed(owner)
            if row["fingerprint"] != fingerprint:
                return Mismatch()
            if row["state"] == DONE:
                return Replay(StoredResponse(row["status"], row["body"], row["transaction_id"]))
            if row["state"] == PENDING and row["lease_until"] > now:
                return InProgress()
            db.execute("UPDATE idempotency SET state = ?, owner = ?, lease_until = ?"
                       " WHERE user = ? AND key = ?", (PENDING, owner, now + self.lease_seconds, user, key))
            return Unresolved(owner, row["transaction_id"], row["envelope"], row["created_at"], row["fence_id"],
                              row["fence_envelope"])

    @contextmanager
    def held(self, user: str, key: str, owner: str) -> Iterator[None]:
        """Keeps the claim's lease running while the block runs: one thread renews every claim
        this process holds, every third of the lease."""
        with self.renewed:
            self._held.add((user, key, owner))
            if self._renewer is None:
                self._renewer = threading.Thread(target=self._renew_forever, name="idempotency-leases",
                                                 daemon=True)
                self._renewer.start()
        try:
            yield
        finally:
            with self.renewed:
                self._held.discard((user, key, owner))

    def _renew_forever(self) -> None:
        while True:
            time.sleep(self.lease_seconds / 3)
            with self.renewed:
                held = list(self._held)
            for user, key, owner in held:
                try:
                    self._update(user, key, owner, "lease_until = ?", (time.time() + self.lease_seconds,))
                except Exception:  # the database is failing: the request's own writes will say so
                    logger.exception("renewing an idempotency lease failed", extra={"key": key})
            with self.renewed:
                self.renewals += len(held)
                self.renewed.notify_all()

    def record_transaction(self, user: str, key: str, owner: str, transaction_id: str) -> None:
        """A new proposal: the envelope of an earlier one (if any) was definitely not committed."""
        self._update(user, key, owner, "transaction_id = ?, envelope = NULL", (transaction_id,))

    def record_envelope(self, user: str, key: str, owner: str, transaction_id: str,
                        envelope: bytes) -> None:
        self._update(user, key, owner, "transaction_id = ?, envelope = ?", (transaction_id, envelope))

    def record_fence(self, user: str, key: str, owner: str, fence_id: str, envelope: bytes) -> None:
        self._update(user, key, owner, "fence_id = ?, fence_envelope = ?", (fence_id, envelope))

    def finish(self, user: str, key: str, owner: str, response: StoredResponse) -> None:
        self._update(user, key, owner, "state = ?, status = ?, body = ?, transaction_id = ?, owner = NULL,"
                     " envelope = NULL, fence_envelope = NULL",
                     (DONE, response.status, response.body, response.transaction_id))

    def mark_unknown(self, user: str, key: str, owner: str, transaction_id: str | None) -> None:
        self._update(user, key, owner, "state = ?, transaction_id = ?, owner = NULL",
                     (UNKNOWN, transaction_id))

    def release(self, user: str, key: str, owner: str) -> None:
        """Forgets the key: nothing reached the ledger, so a repeat may start afresh."""
        with self._db.transaction(immediate=True) as db:
            db.execute("DELETE FROM idempotency WHERE user = ? AND key = ? AND owner = ?", (user, key, owner))

    def purge(self, older_than: float = RETENTION_SECONDS) -> int:
        """Drops settled records past their retention (unknown ones stay: they still need an answer)."""
        with self._db.transaction(immediate=True) as db:
            return db.execute("DELETE FROM idempotency WHERE state = ? AND created_at < ?",
                              (DONE, time.time() - older_than)).rowcount

    def _update(self, user: str, key: str, owner: str, assignments: str, values: tuple) -> None:
        with self._db.transaction(immediate=True) as db:
            db.execute(f"UPDATE idempotency SET {assignments} WHERE user = ? AND key = ? AND owner = ?",
                       (*values, user, key, owner))
