"""Fabric common connection profiles (JSON or YAML), so an application connects with one call:

    gateway = connect_with_profile("profiles/Municipality.json", identity, signer)

Read: client.organization; organizations.<name>.{mspid, peers, certificateAuthorities};
peers.<name> and orderers.<name> with url (grpcs://host:port), tlsCACerts ({pem} or {path},
relative to the profile's directory) and grpcOptions.ssl-target-name-override.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

import yaml

from .endpoint import Endpoint
from .gateway import Gateway, connect
from .identity.identity import Identity
from .identity.signer import Signer


class ConnectionProfile:
    def __init__(self, doc: Mapping[str, Any], base_dir: str | Path = ".") -> None:
        self.doc = doc
        self.base_dir = Path(base_dir)

    @classmethod
    def load(cls, path: str | Path) -> ConnectionProfile:
        path = Path(path)
        text = path.read_text()
        doc = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        return cls(doc, path.parent)

    @property
    def organization(self) -> str:
        """The client's own organisation."""
        try:
            return self.doc["client"]["organization"]
        except KeyError:
            raise ValueError("connection profile has no client.organization") from None

    def _organization(self, name: str | None) -> Mapping[str, Any]:
        name = name or self.organization
        try:
            return self.doc["organizations"][name]
        except KeyError:
            raise ValueError(f"connection profile has no organization {name!r}") from None

    def msp_id(self, organization: str | None = None) -> str:
        return self._organization(organization)["mspid"]

    def peers(self, organization: str | None = None) -> list[str]:
        """Peer names of an organisation (default: the client's)."""
        return list(self._organization(organization).get("peers", []))

    def orderers(self) -> list[str]:
        return list(self.doc.get("orderers", {}))

    def peer_endpoint(self, name: str) -> Endpoint:
        return self._endpoint("peers", name)

    def orderer_endpoint(self, name: str) -> Endpoint:
        return self._endpoint("orderers", name)

    def _endpoint(self, section: str, name: str) -> Endpoint:
        try:
            node = self.doc[section][name]
        except KeyError:
            raise ValueError(f"connection profile has no {section[:-1]} {name!r}") from None
        options = node.get("grpcOptions", {})
        return Endpoint.from_url(
            node["url"],
            tls_root_certs=self._tls_ca_certs(node.get("tlsCACerts")),
            server_name_override=options.get("ssl-target-name-override"),
        )

    def _tls_ca_certs(self, spec: Mapping[str, Any] | None) -> bytes | None:
        if not spec:
            return None
        if "pem" in spec:
            pem = spec["pem"]
            return ("\n".join(pem) if isinstance(pem, list) else pem).encode()
        return (self.base_dir / spec["path"]).read_bytes()


def connect_with_profile(profile: ConnectionProfile | str | Path, identity: Identity,
                         signer: Signer | None = None, peer: str | None = None,
                         **options: Any) -> Gateway:
    """Connects to `peer`, by default the first peer of the profile's client organisation.
    `options` go to `connect` (hash, deadlines)."""
    if not isinstance(profile, ConnectionProfile):
        profile = ConnectionProfile.load(profile)
    if peer is None:
        peers = profile.peers()
        if not peers:
            raise ValueError(f"organization {profile.organization} lists no peers")
        peer = peers[0]
    return connect(identity, signer, endpoint=profile.peer_endpoint(peer), **options)
