"""Chaincode-as-a-service packages, built deterministically so the package id is stable.

A CCaaS package is a tar.gz holding metadata.json ({"type": "ccaas", "label": ...}) and code.tar.gz
with connection.json. tar and gzip record times and owners; we zero them and sort entries, so the
same chaincode and version always give the same bytes, hence the same package id on every run and
every machine — which lets us start chaincode servers before the peers have installed anything.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from dataclasses import dataclass

from grootboek.network.config.consortium import Chaincode


def _tar_gz(files: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size = len(files[name])
            info.mode = 0o644
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(files[name]))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def address_key(chaincode_name: str) -> str:
    """The builder-configuration key that holds this chaincode's server address for a peer."""
    return f"{chaincode_name.replace('-', '_')}_address"


def connection_template(chaincode_name: str) -> dict:
    """connection.json with per-peer placeholders, rendered by the CCaaS builder on each peer: every
    organisation's peers dial their own organisation's chaincode server, over mutual TLS."""
    return {
        "address": "{{.%s}}" % address_key(chaincode_name),
        "dial_timeout": "10s",
        "tls_required": True,
        "client_auth_required": True,
        "client_key": "{{.client_key}}",
        "client_cert": "{{.client_cert}}",
        "root_cert": "{{.root_cert}}",
    }


@dataclass(frozen=True)
class Package:
    label: str
    data: bytes

    @property
    def id(self) -> str:
        return f"{self.label}:{hashlib.sha256(self.data).hexdigest()}"


def label(chaincode: Chaincode) -> str:
    return f"{chaincode.name}_{chaincode.version}"


def build(chaincode: Chaincode) -> Package:
    code = _tar_gz({"connection.json": json.dumps(connection_template(chaincode.name), indent=1).encode()})
    metadata = json.dumps({"type": "ccaas", "label": label(chaincode)}).encode()
    return Package(label(chaincode), _tar_gz({"metadata.json": metadata, "code.tar.gz": code}))
