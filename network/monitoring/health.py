"""What is wrong with a member's nodes right now, one line per problem: a node stopped, failing
its health check or restarting, peers of a channel drifting apart in height, a certificate about
to expire, the state directory's disk nearly full. `grootboek status --check` prints these lines
and fails when there are any, so cron mails them and stays silent otherwise.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from grootboek.network.admin.certificates import HeldCertificate, expiring, inventory
from grootboek.network.nodes import supervisor
from grootboek.network.nodes.network import Network, NodeStatus

# A node that restarted this recently is still suspect: it may be crash-looping between checks.
RECENT_RESTART_S = 600.0


@dataclass(frozen=True)
class Thresholds:
    warn_days: int = 30            # certificates expiring within this many days
    max_drift: int = 10            # blocks between the highest and lowest peer of a channel
    min_free_percent: float = 10.0  # of the state directory's filesystem

    def __post_init__(self) -> None:
        if self.warn_days < 0 or self.max_drift < 0 or not 0 <= self.min_free_percent <= 100:
            raise ValueError(f"thresholds must be 0 or more (free disk a percentage): warn days {self.warn_days}, "
                             f"max drift {self.max_drift}, min free {self.min_free_percent} %")


@dataclass(frozen=True)
class Disk:
    path: Path
    free: int
    total: int

    @classmethod
    def of(cls, path: Path) -> Disk:
        usage = shutil.disk_usage(path)
        return cls(path, usage.free, usage.total)


def processes(network: Network) -> dict[str, dict]:
    """The supervisor's view of each process (running, restarts, uptime), empty if it is down."""
    if not supervisor.is_running(network.run_dir):
        return {}
    return {p["name"]: p for p in supervisor.request(network.run_dir, {"cmd": "status"})["processes"]}


def problems_of(nodes: list[NodeStatus], supervised: dict[str, dict], certificates: list[HeldCertificate],
                disk: Disk, thresholds: Thresholds) -> list[str]:
    found: list[str] = []
    for node in nodes:
        proc = supervised.get(node.name, {})
        if not node.running:
            found.append(f"{node.name}: stopped" + (f" (last error: {node.last_error})" if node.last_error else ""))
            continue
        if node.healthy is False:
            found.append(f"{node.name}: running but failing its health check")
        uptime = proc.get("uptime") or 0.0
        if node.restarts and uptime < RECENT_RESTART_S:
            found.append(f"{node.name}: restarted {node.restarts} time(s), up only {uptime:.0f} s"
                         + (f" (last error: {node.last_error})" if node.last_error else ""))
    found += _drift(nodes, thresholds.max_drift)
    for c in expiring(certificates, thresholds.warn_days):
        when = "expired" if c.days_left() < 0 else f"expires in {c.days_left()} days"
        found.append(f"certificate {c.kind} of {c.owner} {when} ({c.not_after:%Y-%m-%d}): "
                     f"grootboek cert renew {c.owner}")
    percent = 100.0 * disk.free / disk.total if disk.total else 0.0
    if percent < thresholds.min_free_percent:
        found.append(f"disk of {disk.path}: {percent:.1f} % free ({disk.free / 2**30:.1f} of "
                     f"{disk.total / 2**30:.1f} GiB), below {thresholds.min_free_percent:g} %")
    return found


def _drift(nodes: list[NodeStatus], max_drift: int) -> list[str]:
    heights: dict[str, dict[str, int]] = {}
    for node in nodes:
        if node.kind == "peer" and node.running:
            for channel, height in node.heights.items():
                heights.setdefault(channel, {})[node.name] = height
    found = []
    for channel, by_peer in sorted(heights.items()):
        lowest, highest = min(by_peer, key=by_peer.__getitem__), max(by_peer, key=by_peer.__getitem__)
        if by_peer[highest] - by_peer[lowest] > max_drift:
            found.append(f"channel {channel}: peers drift apart: {highest} at height {by_peer[highest]}, "
                         f"{lowest} at {by_peer[lowest]} (more than {max_drift} blocks)")
    return found


def problems(network: Network, thresholds: Thresholds) -> list[str]:
    """Every problem of the network in `network`'s state directory, one line each."""
    supervised = processes(network)
    if not supervised:
        return [f"network {network.consortium.name} is not running (its supervisor is down; "
                f"state: {network.layout.root})"]
    return problems_of(network.status(), supervised, inventory(network.layout), Disk.of(network.layout.root),
                       thresholds)
