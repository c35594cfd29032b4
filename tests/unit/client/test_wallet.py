import json
import stat

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from grootboek.client.identity import FileWallet, WalletEntry, hashing

from .credentials import issue


def entry_for(creds) -> WalletEntry:
    return WalletEntry(creds.msp_id, creds.certificate_pem, creds.key_pem)


def test_round_trip_in_the_sdk_file_format(tmp_path):
    creds = issue("MerchantsMSP")
    wallet = FileWallet(tmp_path / "wallet")
    wallet.put("registrar", entry_for(creds))

    path = tmp_path / "wallet" / "registrar.id"
    doc = json.loads(path.read_text())
    assert doc == {"version": 1, "mspId": "MerchantsMSP", "type": "X.509",
                   "credentials": {"certificate": creds.certificate_pem.decode(),
                                   "privateKey": creds.key_pem.decode()}}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    loaded = wallet.get("registrar")
    assert loaded == entry_for(creds)
    assert loaded.identity.msp_id == "MerchantsMSP"
    digest = hashing.sha256(b"m")
    creds.key.public_key().verify(loaded.signer()(digest), digest,
                                  ec.ECDSA(Prehashed(hashes.SHA256())))


def test_labels_contains_and_remove(tmp_path):
    wallet = FileWallet(tmp_path)
    wallet.put("b", entry_for(issue()))
    wallet.put("a", entry_for(issue()))
    (tmp_path / "notes.txt").write_text("ignored")
    assert wallet.labels() == ["a", "b"]
    assert "a" in wallet and "c" not in wallet
    wallet.remove("a")
    assert wallet.labels() == ["b"]
    with pytest.raises(KeyError):
        wallet.get("a")


def test_overwrite_replaces_the_entry(tmp_path):
    wallet = FileWallet(tmp_path)
    first, second = entry_for(issue()), entry_for(issue())
    wallet.put("u", first)
    wallet.put("u", second)
    assert wallet.get("u") == second
    assert [p.name for p in tmp_path.iterdir()] == ["u.id"]  # no temporary files left behind


@pytest.mark.parametrize("label", ["", "../x", "a/b", ".hidden"])
def test_rejects_labels_that_escape_the_directory(tmp_path, label):
    with pytest.raises(ValueError):
        FileWallet(tmp_path).put(label, entry_for(issue()))


def test_rejects_unknown_types(tmp_path):
    (tmp_path / "hsm.id").write_text(json.dumps({"version": 1, "mspId": "M", "type": "HSM-X.509",
                                                 "credentials": {}}))
    with pytest.raises(ValueError, match="HSM"):
        FileWallet(tmp_path).get("hsm")
