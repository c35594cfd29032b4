"""Administrative calls on one peer as its organisation's admin (join a channel, list channels)."""
from __future__ import annotations

import subprocess
from pathlib import Path

from grootboek.network.binaries import Binaries
from grootboek.network.layout import Layout, Peer


class PeerAdminError(RuntimeError):
    pass


class PeerAdmin:
    def __init__(self, layout: Layout, peer: Peer, binaries: Binaries):
        self.layout = layout
        self.peer = peer
        self.binaries = binaries

    def _env(self) -> dict[str, str]:
        crypto = self.layout.crypto(self.peer.org.name)
        return {
            "PATH": "/usr/bin:/bin",
            "FABRIC_CFG_PATH": str(self.layout.node_dir(self.peer.id) / "config"),
            "CORE_PEER_LOCALMSPID": self.peer.msp_id,
            "CORE_PEER_MSPCONFIGPATH": str(crypto.user_dir("admin") / "msp"),
            "CORE_PEER_ADDRESS": self.peer.address,
            "CORE_PEER_TLS_ENABLED": "true",
            "CORE_PEER_TLS_ROOTCERT_FILE": str(crypto.root / "tlsca" / "cert.pem"),
            "FABRIC_LOGGING_SPEC": "warning",
        }

    def _peer(self, *args: str) -> str:
        result = subprocess.run([self.binaries["peer"], *args], env=self._env(), capture_output=True, text=True,
                                timeout=120)
        if result.returncode != 0:
            raise PeerAdminError(f"peer {' '.join(args[:2])} on {self.peer.id}: {result.stderr.strip()[-1500:]}")
        return result.stdout

    def join(self, block: Path) -> None:
        self._peer("channel", "join", "-b", str(block))

    def channels(self) -> list[str]:
        out = self._peer("channel", "list")
        lines = out.splitlines()
        if "Channels peers has joined:" in lines:
            lines = lines[lines.index("Channels peers has joined:") + 1:]
        return [line.strip() for line in lines if line.strip()]
