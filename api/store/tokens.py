"""Issued tokens in the database: hash, owner, expiry, revocation."""
from __future__ import annotations

import time
from dataclasses import dataclass

from ..auth.tokens import new_token, new_token_id, token_hash
from .database import Database


@dataclass(frozen=True)
class TokenInfo:
    id: str
    user: str
    label: str
    created_at: float
    expires_at: float | None
    revoked_at: float | None

    def active(self, now: float) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


class UnknownToken(KeyError):
    pass


class Tokens:
    def __init__(self, database: Database) -> None:
        self._db = database

    def issue(self, user: str, label: str = "", ttl_seconds: float | None = None) -> tuple[str, TokenInfo]:
        """A new token for `user`: (the token itself, to hand over once; its record)."""
        token, now = new_token(), time.time()
        info = TokenInfo(new_token_id(), user, label, now,
                         None if ttl_seconds is None else now + ttl_seconds, None)
        with self._db.transaction(immediate=True) as db:
            db.execute("INSERT INTO tokens (id, user, hash, label, created_at, expires_at)"
                       " VALUES (?, ?, ?, ?, ?, ?)",
                       (info.id, user, token_hash(token), label, info.created_at, info.expires_at))
        return token, info

    def user_of(self, token: str) -> str | None:
        """The user an active token belongs to, or None."""
        row = self._db.connection().execute(
            "SELECT user, expires_at, revoked_at FROM tokens WHERE hash = ?", (token_hash(token),)).fetchone()
        if row is None or row["revoked_at"] is not None:
            return None
        if row["expires_at"] is not None and time.time() >= row["expires_at"]:
            return None
        return row["user"]

    def revoke(self, token_id: str) -> str | None:
        """The token's user if this revoked it; None if it was revoked already."""
        with self._db.transaction(immediate=True) as db:
            updated = db.execute("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                                 (time.time(), token_id)).rowcount
            row = db.execute("SELECT user FROM tokens WHERE id = ?", (token_id,)).fetchone()
            if row is None:
                raise UnknownToken(token_id)
            return row["user"] if updated else None

    def list(self, user: str | None = None) -> list[TokenInfo]:
        query = "SELECT id, user, label, created_at, expires_at, revoked_at FROM tokens"
        rows = self._db.connection().execute(
            query + (" WHERE user = ? ORDER BY created_at" if user else " ORDER BY created_at"),
            (user,) if user else ()).fetchall()
        return [TokenInfo(**dict(row)) for row in rows]
