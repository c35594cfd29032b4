"""One gRPC channel to the organisation's peer per process, and a Fabric Gateway per user over it.

grpc channels are not fork-safe, so nothing is opened until the first request; a changed pid (the
app run under a pre-forking server) gets a fresh channel.
"""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import grpc

from grootboek.client import ConnectionProfile, Endpoint, FileWallet, Gateway, WalletEntry, connect

logger = logging.getLogger(__name__)


class Connections:
    """The peer channel and a cache of gateways, keyed by wallet label and certificate digest (so
    a re-imported identity gets a new gateway without a restart)."""

    def __init__(self, profile_path: Path, wallet: FileWallet, peer: str | None = None) -> None:
        self._profile_path = profile_path
        self._peer = peer
        self._wallet = wallet
        self._lock = threading.Lock()
        self._pid = -1
        self._channel: grpc.Channel | None = None
        self._gateways: dict[tuple[str, str], Gateway] = {}

    def endpoint(self) -> Endpoint:
        profile = ConnectionProfile.load(self._profile_path)
        peers = profile.peers()
        if not peers:
            raise ValueError(f"{self._profile_path}: organization {profile.organization} lists no peers")
        return profile.peer_endpoint(self._peer or peers[0])

    def channel(self) -> grpc.Channel:
        with self._lock:
            return self._channel_locked()

    def _channel_locked(self) -> grpc.Channel:
        if self._channel is None or self._pid != os.getpid():
            self._gateways.clear()
            self._channel = self.endpoint().open_channel()
            self._pid = os.getpid()
            logger.info("opened peer channel", extra={"pid": self._pid})
        return self._channel

    def gateway(self, label: str, certificate_digest: str) -> Gateway:
        """The gateway acting as wallet identity `label` (KeyError if the wallet lacks it)."""
        key = (label, certificate_digest)
        with self._lock:
            channel = self._channel_locked()
            gateway = self._gateways.get(key)
            if gateway is None:
                entry = self._wallet.get(label)
                gateway = connect(entry.identity, entry.signer(), channel=channel)
                self._gateways = {k: g for k, g in self._gateways.items() if k[0] != label}
                self._gateways[key] = gateway
            return gateway

    def wallet_labels(self) -> list[str]:
        return self._wallet.labels()

    def wallet_entry(self, label: str) -> WalletEntry:
        return self._wallet.get(label)

    def ready(self, timeout: float) -> bool:
        """Whether the peer's gRPC connection is (or becomes, within `timeout`) ready."""
        try:
            grpc.channel_ready_future(self.channel()).result(timeout=timeout)
            return True
        except grpc.FutureTimeoutError:
            return False

    def close(self) -> None:
        with self._lock:
            if self._channel is not None and self._pid == os.getpid():
                self._channel.close()
            self._channel = None
            self._gateways.clear()
