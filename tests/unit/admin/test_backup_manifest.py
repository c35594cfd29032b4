"""A backup is restored only when every file matches its manifest, and only where the member has
no state yet (network/admin/backup.py); the whole drill runs in tests/integration/admin/test_restore.py."""
from __future__ import annotations

import hashlib
import json

import pytest

from grootboek.network.admin.backup import FORMAT, MANIFEST, BackupError, restore, verify

FILES = {"state/consortium.yaml": b"name: grootboek\n", "state/crypto/Municipality/ca/key.pem": b"KEY",
         "state/nodes/peer0.municipality/data/ledger": b"blocks"}


@pytest.fixture
def backup(tmp_path):
    root = tmp_path / "grootboek-municipality-20261203T190000Z"
    for relative, data in FILES.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(data)
    (root / MANIFEST).write_text(json.dumps({
        "format": FORMAT, "consortium": "grootboek", "organization": "Municipality", "created": "now",
        "nodes": ["peer0.municipality"], "paths": ["consortium.yaml", "crypto/Municipality", "nodes/peer0.municipality"],
        "files": {r: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d)} for r, d in FILES.items()}}))
    return root


def test_a_whole_backup_is_restored_file_for_file(backup, tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    (state / "consortium.yaml").write_bytes(FILES["state/consortium.yaml"])  # shared, and the same
    assert restore(backup, state)["organization"] == "Municipality"
    for relative, data in FILES.items():
        assert (state / relative.removeprefix("state/")).read_bytes() == data


@pytest.mark.parametrize("change, message", [
    (lambda b: (b / "state/crypto/Municipality/ca/key.pem").write_bytes(b"KEZ"),
     "state/crypto/Municipality/ca/key.pem is damaged"),
    (lambda b: (b / "state/nodes/peer0.municipality/data/ledger").unlink(),
     "state/nodes/peer0.municipality/data/ledger is missing"),
    (lambda b: (b / "state/nodes/peer0.municipality/data/extra").write_bytes(b"x"),
     "state/nodes/peer0.municipality/data/extra is not in the manifest"),
    (lambda b: (b / MANIFEST).unlink(), "no manifest.json, so not a whole backup"),
])
def test_a_changed_backup_is_refused_naming_the_file(backup, change, message):
    change(backup)
    with pytest.raises(BackupError, match=message):
        verify(backup)


@pytest.mark.parametrize("existing, message", [
    ("crypto/Municipality/ca/cert.pem", "crypto/Municipality exists: restore onto a state directory without"),
    ("consortium.yaml", "consortium.yaml exists and differs from the backup's"),
])
def test_restore_writes_nothing_over_a_members_state(backup, tmp_path, existing, message):
    state = tmp_path / "state"
    (state / existing).parent.mkdir(parents=True)
    (state / existing).write_text("another network's")
    with pytest.raises(BackupError, match=message):
        restore(backup, state)
    assert not (state / "nodes").exists()
