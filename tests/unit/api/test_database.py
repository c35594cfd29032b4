"""The gateway's database: a lost or damaged one is refused at start with what to do, a failing
one answers 503 with a code naming the cause (also on /health/ready), and the documented backup
and restore work."""
from __future__ import annotations

import gc
import shutil
import sqlite3

import pytest

from grootboek.api.__main__ import main
from grootboek.api.errors import to_api_error
from grootboek.api.store.database import FILE_NAME, Database, DatabaseRefused


def _users(data) -> list[str]:
    return [row["name"] for row in Database(data).connection().execute("SELECT name FROM users")]


def test_a_database_that_existed_is_never_silently_replaced_by_an_empty_one(tmp_path):
    Database(tmp_path)
    (tmp_path / FILE_NAME).write_bytes(b"")  # truncated to zero bytes
    with pytest.raises(DatabaseRefused, match="is empty, but this data directory had a database"):
        Database(tmp_path)
    (tmp_path / FILE_NAME).unlink()
    with pytest.raises(DatabaseRefused, match="is missing.*restore it from a backup"):
        Database(tmp_path)


def test_a_damaged_database_is_refused_at_start(tmp_path):
    Database(tmp_path).connection().executemany(
        "INSERT INTO users VALUES (?, 'M', 'reader', NULL, 'x', NULL, 0)", [(f"u{i}",) for i in range(2000)])
    path = tmp_path / FILE_NAME
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])  # truncated to half
    with pytest.raises(DatabaseRefused, match="is damaged"):
        Database(tmp_path)


@pytest.mark.parametrize("message, code", [
    ("attempt to write a readonly database", "DATABASE_READ_ONLY"),
    ("database disk image is malformed", "DATABASE_DAMAGED"),
    ("file is not a database", "DATABASE_DAMAGED"),
    ("database is locked", "DATABASE_BUSY"),
    ("disk I/O error", "DATABASE_UNAVAILABLE"),
])
def test_a_failing_database_is_503_with_a_code_naming_the_cause(message, code):
    error = to_api_error(sqlite3.OperationalError(message))
    assert (error.status, error.code, error.headers["Retry-After"]) == (503, code, "5")


def test_backup_and_restore_as_documented(capsys, config, tmp_path, organisation):
    msp = str(organisation.user_dir("officer") / "msp")
    assert main(["user", "add", "officer", "--config", config, "--msp-dir", msp]) == 0
    backup = tmp_path / "backup.sqlite"
    assert main(["backup", "--config", config, "--to", str(backup)]) == 0
    assert main(["backup", "--config", config, "--to", str(backup)]) == 1  # never overwrites one
    data = tmp_path / "data"
    # The commands here run in this process; their connections close when the collector frees them,
    # and until then they are, to SQLite, a gateway still running (whose WAL still holds the data).
    gc.collect()
    (data / FILE_NAME).write_bytes(b"")  # lost
    assert main(["user", "list", "--config", config]) == 1
    assert "restore it from a backup" in capsys.readouterr().err
    # The restore: with the gateway stopped, the backup replaces the database and its WAL files.
    gc.collect()
    for leftover in (data / f"{FILE_NAME}-wal", data / f"{FILE_NAME}-shm"):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(backup, data / FILE_NAME)
    assert _users(data) == ["officer"]
