"""Metrics Fabric's nodes do not publish, in Prometheus' text format for node_exporter's textfile
collector: when each certificate expires, whether each supervised process runs and how often it
was restarted, and the free space of the state directory's filesystem. `grootboek status --check
--textfile FILE` writes them (atomically, so the collector never reads half a file); the rules in
alerts.yml fire on them.
"""
from __future__ import annotations

from pathlib import Path

from grootboek.client.atomic_file import write_atomically
from grootboek.network.admin.certificates import HeldCertificate
from grootboek.network.monitoring.health import Disk

METRICS = {
    "grootboek_certificate_expiry_timestamp_seconds": ("gauge", "When a certificate of the member expires (Unix time)."),
    "grootboek_process_up": ("gauge", "1 while the supervisor's process runs, else 0."),
    "grootboek_process_restarts_total": ("counter", "Restarts of the process by the supervisor since it started."),
    "grootboek_state_filesystem_avail_bytes": ("gauge", "Free bytes of the state directory's filesystem."),
    "grootboek_state_filesystem_size_bytes": ("gauge", "Size of the state directory's filesystem."),
}


def _labels(**labels: str) -> str:
    def escape(value: str) -> str:
        return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return "{" + ",".join(f'{k}="{escape(v)}"' for k, v in labels.items()) + "}"


def render(certificates: list[HeldCertificate], supervised: dict[str, dict], disk: Disk) -> str:
    samples: dict[str, list[str]] = {name: [] for name in METRICS}
    for c in certificates:
        samples["grootboek_certificate_expiry_timestamp_seconds"].append(
            f"{_labels(owner=c.owner, kind=c.kind, org=c.org)} {c.not_after.timestamp():.0f}")
    for name, proc in sorted(supervised.items()):
        samples["grootboek_process_up"].append(f"{_labels(process=name)} {int(bool(proc.get('running')))}")
        samples["grootboek_process_restarts_total"].append(f"{_labels(process=name)} {proc.get('restarts', 0)}")
    where = _labels(path=str(disk.path))
    samples["grootboek_state_filesystem_avail_bytes"].append(f"{where} {disk.free}")
    samples["grootboek_state_filesystem_size_bytes"].append(f"{where} {disk.total}")
    lines = []
    for name, (kind, text) in METRICS.items():
        lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]
        lines += [f"{name}{sample}" for sample in samples[name]]
    return "\n".join(lines) + "\n"


def write(path: Path, text: str) -> None:
    write_atomically(path, text.encode(), 0o644)
