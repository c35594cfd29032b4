"""Browser sessions of the web apps (api/apps/): a user signs in once with a token and the browser
then carries a random session id in a cookie. The gateway keeps only the id's SHA-256, the CSRF
token the apps send back in a header, and the token the session was opened with, so that revoking
that token (or removing the user) ends its sessions at once."""
from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from ..auth.tokens import token_hash
from .database import Database

LIFETIME_SECONDS = 12 * 3600
"""A shop's working day; never longer than the token it was opened with."""


@dataclass(frozen=True)
class Session:
    user: str
    csrf: str
    expires_at: float


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class Sessions:
    def __init__(self, database: Database) -> None:
        self._db = database

    def open(self, token: str) -> tuple[str, Session] | None:
        """A new session for the token's user: (the session id for the cookie, the session), or
        None when the token is unknown, expired or revoked."""
        now = time.time()
        with self._db.transaction(immediate=True) as db:
            db.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))
            row = db.execute("SELECT user, hash, expires_at FROM tokens WHERE hash = ? AND revoked_at IS NULL",
                             (token_hash(token),)).fetchone()
            if row is None or (row["expires_at"] is not None and row["expires_at"] <= now):
                return None
            session_id = secrets.token_urlsafe(32)
            session = Session(row["user"], secrets.token_urlsafe(32),
                              min(now + LIFETIME_SECONDS, row["expires_at"] or float("inf")))
            db.execute("INSERT INTO sessions (hash, user, token_hash, csrf, created_at, expires_at)"
                       " VALUES (?, ?, ?, ?, ?, ?)",
                       (_digest(session_id), session.user, row["hash"], session.csrf, now, session.expires_at))
        return session_id, session

    def find(self, session_id: str) -> Session | None:
        """The session, while it and the token it was opened with are valid."""
        row = self._db.connection().execute(
            "SELECT s.user, s.csrf, s.expires_at FROM sessions s JOIN tokens t ON t.hash = s.token_hash"
            " WHERE s.hash = ? AND t.revoked_at IS NULL", (_digest(session_id),)).fetchone()
        if row is None or row["expires_at"] <= time.time():
            return None
        return Session(row["user"], row["csrf"], row["expires_at"])

    def close(self, session_id: str) -> None:
        with self._db.transaction(immediate=True) as db:
            db.execute("DELETE FROM sessions WHERE hash = ?", (_digest(session_id),))
