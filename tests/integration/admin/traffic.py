"""Transactions that keep running while the topology changes."""
from __future__ import annotations

import threading
import uuid

from grootboek.network.nodes.network import Network


class Traffic:
    """Conformance writes submitted one after another from a thread until the block ends."""

    def __init__(self, network: Network, connect_as, org: str, channel: str) -> None:
        self._gateway = connect_as(network, org)
        self._contract = self._gateway.network(channel).contract("conformance")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.committed = 0
        self.failures: list[Exception] = []

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._contract.submit("State:put", [f"traffic-{uuid.uuid4().hex[:8]}", str(self.committed)])
                self.committed += 1
            except Exception as exc:  # kept for the test to report
                self.failures.append(exc)

    def __enter__(self) -> Traffic:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self._gateway.close()
