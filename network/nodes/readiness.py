"""Real readiness signals, polled until true: a node's operations /healthz, its Prometheus metrics
(Raft leadership, gossip membership, ledger height). Never a fixed sleep.
"""
from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar

import requests

T = TypeVar("T")
_SAMPLE = re.compile(r"^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


class NotReady(RuntimeError):
    """A readiness condition did not hold before its deadline; says what and why."""


@dataclass(frozen=True)
class OperationsEndpoint:
    """A node's operations endpoint (HTTPS, verified against the organisation's TLS CA)."""

    address: str
    ca_file: Path
    client_cert: tuple[Path, Path] | None = None  # TLS pair from the org's TLS CA, for /metrics

    def get(self, path: str, timeout: float = 2.0) -> requests.Response:
        cert = (str(self.client_cert[0]), str(self.client_cert[1])) if self.client_cert else None
        return requests.get(f"https://{self.address}{path}", verify=str(self.ca_file), cert=cert,
                            timeout=timeout)

    def healthy(self) -> bool:
        try:
            response = self.get("/healthz")
        except requests.RequestException:
            return False
        return response.status_code == 200

    def metrics(self) -> list[tuple[str, dict[str, str], float]]:
        response = self.get("/metrics")
        response.raise_for_status()
        return parse_metrics(response.text)

    def metric(self, name: str, **labels: str) -> float | None:
        for sample, sample_labels, value in self.metrics():
            if sample == name and all(sample_labels.get(k) == v for k, v in labels.items()):
                return value
        return None


def port_open(address: str) -> bool:
    """Whether something accepts TCP connections at host:port."""
    host, port = address.rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


def parse_metrics(text: str) -> list[tuple[str, dict[str, str], float]]:
    samples = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = _SAMPLE.match(line)
        if match:
            labels = dict(_LABEL.findall(match.group(2) or ""))
            samples.append((match.group(1), labels, float(match.group(3))))
    return samples


def wait_for(condition: Callable[[], T], what: str, timeout: float = 60.0, interval: float = 0.05,
             alive: Callable[[], str | None] | None = None) -> T:
    """Polls `condition` until it returns a truthy value. `alive` may report a dead process
    (returning a reason), which fails fast instead of waiting out the deadline."""
    deadline = time.monotonic() + timeout
    last_error = ""
    while True:
        try:
            result = condition()
            if result:
                return result
        except Exception as exc:  # the condition's own failure is the reason we report
            last_error = f"{type(exc).__name__}: {exc}"
        if alive is not None:
            dead = alive()
            if dead:
                raise NotReady(f"{what}: {dead}")
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error})" if last_error else ""
            raise NotReady(f"{what}: not ready after {timeout:.0f} s{detail}")
        time.sleep(interval)
