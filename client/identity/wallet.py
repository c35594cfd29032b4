"""A wallet of identities on disk, one JSON file per label, in the format Fabric's SDKs share:

    {"version": 1, "mspId": "Org1MSP", "type": "X.509",
     "credentials": {"certificate": "<PEM>", "privateKey": "<PEM>"}}

stored as `<label>.id` (what the Node and Java SDKs' file-system wallets read and write).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic_file import write_atomically
from .identity import X509Identity
from .signer import PrivateKeySigner

_SUFFIX = ".id"


@dataclass(frozen=True)
class WalletEntry:
    """An X.509 identity with its private key (both PEM)."""

    msp_id: str
    certificate: bytes
    private_key: bytes

    @property
    def identity(self) -> X509Identity:
        return X509Identity(self.msp_id, self.certificate)

    def signer(self) -> PrivateKeySigner:
        return PrivateKeySigner.from_pem(self.private_key)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "mspId": self.msp_id,
            "type": "X.509",
            "credentials": {
                "certificate": self.certificate.decode(),
                "privateKey": self.private_key.decode(),
            },
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> WalletEntry:
        if doc.get("type") != "X.509":
            raise ValueError(f"unsupported identity type {doc.get('type')!r}")
        if doc.get("version") != 1:
            raise ValueError(f"unsupported wallet entry version {doc.get('version')!r}")
        credentials = doc["credentials"]
        return cls(doc["mspId"], credentials["certificate"].encode(),
                   credentials["privateKey"].encode())


class FileWallet:
    """Identities in a directory. Files are written atomically and readable by the owner only."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def put(self, label: str, entry: WalletEntry) -> None:
        write_atomically(self._path(label), json.dumps(entry.to_json(), indent=2).encode())

    def get(self, label: str) -> WalletEntry:
        """Raises KeyError if there is no identity with that label."""
        path = self._path(label)
        try:
            return WalletEntry.from_json(json.loads(path.read_text()))
        except FileNotFoundError:
            raise KeyError(label) from None

    def remove(self, label: str) -> None:
        self._path(label).unlink(missing_ok=True)

    def labels(self) -> list[str]:
        return sorted(p.name[: -len(_SUFFIX)] for p in self.directory.glob(f"*{_SUFFIX}")
                      if not p.name.startswith("."))

    def __contains__(self, label: str) -> bool:
        return self._path(label).is_file()

    def _path(self, label: str) -> Path:
        if not label or "/" in label or "\\" in label or label.startswith("."):
            raise ValueError(f"invalid wallet label {label!r}")
        return self.directory / f"{label}{_SUFFIX}"
