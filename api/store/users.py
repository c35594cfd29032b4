"""Users in the database."""
from __future__ import annotations

import json
import sqlite3
import time

from ..auth.roles import Role
from ..auth.user import User
from .database import Database


class UserExists(ValueError):
    pass


class UnknownUser(KeyError):
    pass


class Users:
    def __init__(self, database: Database) -> None:
        self._db = database

    def add(self, user: User, replace: bool = False) -> None:
        """`replace` updates an existing user in place (its tokens stay valid)."""
        upsert = (" ON CONFLICT(name) DO UPDATE SET msp_id = excluded.msp_id, roles = excluded.roles,"
                  " merchant = excluded.merchant, certificate_sha256 = excluded.certificate_sha256,"
                  " tls_cert_sha256 = excluded.tls_cert_sha256") if replace else ""
        try:
            with self._db.transaction(immediate=True) as db:
                db.execute("INSERT INTO users (name, msp_id, roles, merchant, certificate_sha256,"
                           " tls_cert_sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)" + upsert,
                           (user.name, user.msp_id, json.dumps(sorted(user.roles)), user.merchant,
                            user.certificate_sha256, user.tls_cert_sha256, time.time()))
        except sqlite3.IntegrityError as exc:
            raise UserExists(f"user {user.name} or its TLS certificate is already registered") from exc

    def get(self, name: str) -> User:
        row = self._db.connection().execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise UnknownUser(name)
        return _user(row)

    def by_tls_certificate(self, digest: str) -> User | None:
        row = self._db.connection().execute(
            "SELECT * FROM users WHERE tls_cert_sha256 = ?", (digest,)).fetchone()
        return None if row is None else _user(row)

    def all(self) -> list[User]:
        rows = self._db.connection().execute("SELECT * FROM users ORDER BY name").fetchall()
        return [_user(row) for row in rows]

    def remove(self, name: str) -> None:
        with self._db.transaction(immediate=True) as db:
            if db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
                raise UnknownUser(name)


def _user(row: sqlite3.Row) -> User:
    return User(name=row["name"], msp_id=row["msp_id"],
                roles=frozenset(Role(r) for r in json.loads(row["roles"])),
                certificate_sha256=row["certificate_sha256"], merchant=row["merchant"],
                tls_cert_sha256=row["tls_cert_sha256"])
