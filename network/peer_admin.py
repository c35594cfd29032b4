"""Administrative calls on one peer as its organisation's admin: channel membership and the
chaincode lifecycle operations that target a single peer or organisation.
"""
from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grootboek.network.binaries import Binaries
from grootboek.network.consortium import Chaincode, Collection
from grootboek.network.layout import Layout, Peer


class PeerAdminError(RuntimeError):
    pass


@dataclass(frozen=True)
class Definition:
    """A chaincode definition as the lifecycle sees it."""

    name: str
    version: str
    sequence: int
    endorsement_policy: str | None
    collections: tuple[Collection, ...]
    init_required: bool

    @classmethod
    def of(cls, chaincode: Chaincode) -> "Definition":
        return cls(chaincode.name, chaincode.version, chaincode.sequence, chaincode.endorsement_policy,
                   tuple(chaincode.collections), chaincode.init_required)


def collections_config(collections: tuple[Collection, ...]) -> list[dict]:
    """The collection configuration in the JSON form `peer lifecycle` reads."""
    out = []
    for c in collections:
        entry: dict = {
            "name": c.name,
            "policy": c.policy,
            "requiredPeerCount": c.required_peer_count,
            "maxPeerCount": c.max_peer_count,
            "blockToLive": c.block_to_live,
            "memberOnlyRead": c.member_only_read,
            "memberOnlyWrite": c.member_only_write,
        }
        if c.endorsement_policy:
            entry["endorsementPolicy"] = {"signaturePolicy": c.endorsement_policy}
        out.append(entry)
    return out


class PeerAdmin:
    def __init__(self, layout: Layout, peer: Peer, binaries: Binaries):
        self.layout = layout
        self.peer = peer
        self.binaries = binaries

    @property
    def tls_ca(self) -> Path:
        return self.layout.crypto(self.peer.org.name).root / "tlsca" / "cert.pem"

    def _env(self) -> dict[str, str]:
        crypto = self.layout.crypto(self.peer.org.name)
        return {
            "PATH": "/usr/bin:/bin",
            "FABRIC_CFG_PATH": str(self.layout.node_dir(self.peer.id) / "config"),
            "CORE_PEER_LOCALMSPID": self.peer.msp_id,
            "CORE_PEER_MSPCONFIGPATH": str(crypto.user_dir("admin") / "msp"),
            "CORE_PEER_ADDRESS": self.peer.address,
            "CORE_PEER_TLS_ENABLED": "true",
            "CORE_PEER_TLS_ROOTCERT_FILE": str(self.tls_ca),
            "FABRIC_LOGGING_SPEC": "warning",
        }

    def _peer(self, *args: str) -> str:
        result = subprocess.run([self.binaries["peer"], *args], env=self._env(), capture_output=True, text=True,
                                timeout=180)
        if result.returncode != 0:
            raise PeerAdminError(f"peer {' '.join(args[:3])} on {self.peer.id}: {result.stderr.strip()[-1500:]}")
        return result.stdout

    # -- channels -----------------------------------------------------------------------------

    def join(self, block: Path) -> None:
        self._peer("channel", "join", "-b", str(block))

    def channels(self) -> list[str]:
        lines = [line.strip() for line in self._peer("channel", "list").splitlines()]
        return [line for line in lines if line and not line.startswith("Channels peers has joined")]

    # -- chaincode lifecycle ------------------------------------------------------------------

    def install(self, package: Path) -> None:
        self._peer("lifecycle", "chaincode", "install", str(package))

    def installed(self) -> dict[str, str]:
        """Installed packages: package id -> label."""
        doc = json.loads(self._peer("lifecycle", "chaincode", "queryinstalled", "--output", "json") or "{}")
        return {c["package_id"]: c["label"] for c in doc.get("installed_chaincodes", [])}

    def _definition_args(self, channel: str, definition: Definition, tmp: Path) -> list[str]:
        args = ["--channelID", channel, "--name", definition.name, "--version", definition.version,
                "--sequence", str(definition.sequence)]
        if definition.endorsement_policy:
            args += ["--signature-policy", definition.endorsement_policy]
        if definition.collections:
            path = tmp / "collections.json"
            path.write_text(json.dumps(collections_config(definition.collections)))
            args += ["--collections-config", str(path)]
        if definition.init_required:
            args.append("--init-required")
        return args

    def _orderer_args(self, orderer_address: str, orderer_ca: Path) -> list[str]:
        return ["-o", orderer_address, "--tls", "--cafile", str(orderer_ca)]

    def approve(self, channel: str, definition: Definition, package_id: str,
                orderer_address: str, orderer_ca: Path) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            self._peer("lifecycle", "chaincode", "approveformyorg",
                       *self._orderer_args(orderer_address, orderer_ca),
                       *self._definition_args(channel, definition, Path(tmp)), "--package-id", package_id)

    def commit_readiness(self, channel: str, definition: Definition) -> dict[str, bool]:
        """Which organisations have approved this definition: MSP ID -> approved."""
        with tempfile.TemporaryDirectory() as tmp:
            out = self._peer("lifecycle", "chaincode", "checkcommitreadiness",
                             *self._definition_args(channel, definition, Path(tmp)), "--output", "json")
        return dict(json.loads(out).get("approvals", {}))

    def commit(self, channel: str, definition: Definition, endorsers: list["PeerAdmin"],
               orderer_address: str, orderer_ca: Path) -> None:
        targets: list[str] = []
        for admin in endorsers:
            targets += ["--peerAddresses", admin.peer.address, "--tlsRootCertFiles", str(admin.tls_ca)]
        with tempfile.TemporaryDirectory() as tmp:
            self._peer("lifecycle", "chaincode", "commit", *self._orderer_args(orderer_address, orderer_ca),
                       *self._definition_args(channel, definition, Path(tmp)), *targets)

    def committed(self, channel: str) -> dict[str, dict]:
        """Committed chaincode definitions on a channel: name -> {version, sequence, ...}."""
        out = self._peer("lifecycle", "chaincode", "querycommitted", "--channelID", channel, "--output", "json")
        doc = json.loads(out or "{}")
        return {d["name"]: d for d in doc.get("chaincode_definitions") or []}

    def committed_approvals(self, channel: str, name: str) -> dict[str, bool]:
        """Which organisations approved the committed definition of a chaincode."""
        out = self._peer("lifecycle", "chaincode", "querycommitted", "--channelID", channel, "--name", name,
                         "--output", "json")
        return dict(json.loads(out or "{}").get("approvals", {}))
