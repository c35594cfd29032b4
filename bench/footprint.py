"""Footprint: the memory the whole default system holds, after start, under load and at idle after it.

`make up` leaves a supervisor and every process it started running (orderers, peers, CAs,
chaincode servers, REST gateways). This bench starts the same system (the default consortium on
free ports), then reads each process's proportional set size (PSS: a page shared by n processes
counts 1/n to each, so the sum is what the system really holds) from /proc/<pid>/smaps_rollup:

- after start: once bring-up is done and `--settle` seconds have passed;
- peak under load: the highest sum seen while shops pay through the Merchants REST gateway in
  `--concurrency` closed loops for `--minutes` (sampled every few seconds);
- idle after load: `--settle` seconds after the load stopped. Memory that grew under load and
  does not come back is what a network that runs for months accumulates.

Each variant (`--variants`) runs a system of its own, one after the other, to compare what `make up`
runs with Fabric as published and with each memory setting undone or taken further.

Targets: <= 500 MiB after start, <= 700 MiB at idle after a 10-minute load.

    python -m bench.footprint                      # about 12 minutes a variant
    python -m bench.footprint --minutes 2          # while iterating
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import tempfile
import threading
import time
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Callable, Iterator
from unittest import mock

from bench import report
from bench.client import closed_loop
from bench.rest_gateway import SHOP, per_thread, prepare, rest_payments, till
from grootboek.network.config import channel_config, consortium as consortium_file
from grootboek.network.nodes import binaries, supervisor
from grootboek.network.nodes.network import Network
from grootboek.progress import Progress

SAMPLE_SECONDS = 5.0


def pss_kib(pid: int) -> int:
    """A process's PSS in KiB; 0 if it is gone."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith("Pss:")), 0)


def system(network: Network) -> dict[str, int]:
    """Name → pid of every process the system runs: the supervisor and everything below it."""
    root = supervisor.daemon_pid(network.run_dir)
    assert root is not None, "the supervisor is not running"
    names = {p["pid"]: p["name"] for p in supervisor.request(network.run_dir, {"cmd": "status"})["processes"]
             if p["pid"]}
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:  # ended meanwhile
                continue
    found, frontier = {"supervisor": root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid in (p for p, pp in parents.items() if pp == parent):
            found[names.get(pid, f"{names.get(parent, 'child')}/{pid}")] = pid
            frontier.append(pid)
    return found


def snapshot(network: Network) -> dict[str, float]:
    """MiB of PSS by process."""
    return {name: pss_kib(pid) / 1024 for name, pid in system(network).items()}


def kind(name: str) -> str:
    """The group a process belongs to in the summary (orderer, peer, ca, chaincode, api, supervisor)."""
    for group in ("orderer", "peer", "ca", "api", "supervisor"):
        if name.startswith(group) or name.split(".")[0] == group:
            return group
    return "chaincode"


def load(network: Network, concurrency: int, seconds: float) -> tuple[dict[str, float], float]:
    """Payments through the Merchants gateway for `seconds`; the peak PSS by process (at the
    sample whose sum was highest) and the payments per second."""
    shop_msp, holders = prepare(network, concurrency)
    pay = rest_payments(till(network, shop_msp).client(SHOP))
    peak: dict[str, float] = {}
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(SAMPLE_SECONDS):
            now = snapshot(network)
            if sum(now.values()) > sum(peak.values()):
                peak = now
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    outcome = closed_loop(per_thread(holders, pay), concurrency, seconds)
    done.set()
    sampler.join()
    return peak, len(outcome["latencies_ms"]) / outcome["elapsed_s"]


READINGS = ("after_start", "peak", "idle_after_load")


@contextmanager
def stock_fabric(network: Network) -> Iterator[None]:
    """Fabric built without our patches (network/fabric/pins.yaml): its block cache fixed at 50 MiB
    per channel and node."""
    stock = binaries.ensure(Progress(), [dataclasses.replace(pin, patches=()) for pin in binaries.load_pins()])
    with mock.patch.dict(os.environ, {"FABRIC_BIN": str(Path(stock["peer"]).parent)}):
        yield


@contextmanager
def raft_snapshots_at_16mb(network: Network) -> Iterator[None]:
    """Fabric's sample Raft snapshot interval instead of ours (network/config/channel_config.py)."""
    with mock.patch.object(channel_config, "RAFT_SNAPSHOT_INTERVAL", "16 MB"):
        yield


@contextmanager
def gogc25(network: Network) -> Iterator[None]:
    """Fabric's heap kept within a quarter of what is live, instead of network.GO_RUNTIME's half."""
    network.go_runtime = {**network.go_runtime, "GOGC": "25"}
    yield


@contextmanager
def exec_python(network: Network) -> Iterator[None]:
    """Our Python processes each started by exec and importing their own code, instead of as forks
    of the supervisor that imported it once (network/nodes/warm_start.py)."""
    specs = network.process_specs
    with mock.patch.object(network, "process_specs", lambda: [dataclasses.replace(s, warm=[]) for s in specs()]):
        yield


# What each variant changes from what `make up` runs.
VARIANTS: dict[str, Callable[[Network], AbstractContextManager]] = {
    "default": lambda network: nullcontext(), "stock": stock_fabric, "exec": exec_python,
    "snapshot16mb": raft_snapshots_at_16mb, "gogc25": gogc25}


def measure(variant: str, args: argparse.Namespace, progress: Progress) -> dict:
    """One system's three readings (MiB of PSS by process) and the load's payments per second."""
    with tempfile.TemporaryDirectory(prefix="grootboek-bench-") as tmp:
        network = Network(consortium_file.with_free_ports(consortium_file.load()), Path(tmp) / "state",
                          Progress.quiet())
        try:
            with progress.step(f"{variant}: bring-up"), VARIANTS[variant](network):
                network.up()
            time.sleep(args.settle)  # idle: start-up garbage settles before the reading
            started = snapshot(network)
            with progress.step(f"{variant}: payments load, {args.minutes:g} minutes"):
                peak, rate = load(network, args.concurrency, args.minutes * 60)
            time.sleep(args.settle)
            idle = snapshot(network)
        finally:
            network.down()
    return {"variant": variant, "payments_per_s": rate, "after_start": started, "peak": peak,
            "idle_after_load": idle}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="payments load between the readings")
    parser.add_argument("--concurrency", type=int, default=8, help="closed loops of payments")
    parser.add_argument("--settle", type=float, default=30.0, help="idle seconds before each idle reading")
    parser.add_argument("--variants", default="default,exec,stock", help=f"of {', '.join(VARIANTS)}, in this order")
    args = parser.parse_args()
    binaries.ensure(Progress())
    progress = Progress()
    runs = [measure(variant, args, progress) for variant in args.variants.split(",")]
    names = sorted({n for run in runs for reading in READINGS for n in run[reading]})
    columns = ["process"] + [f"{reading} {run['variant']}" for reading in READINGS for run in runs]

    def line(label: str, members: list[str]) -> dict:
        return {"process": label, **{f"{reading} {run['variant']}": sum(run[reading].get(n, 0.0) for n in members)
                                     for reading in READINGS for run in runs}}
    rows = [line(n, [n]) for n in names]
    groups = [line(f"{group} x{len(members)}", members) for group in sorted({kind(n) for n in names})
              for members in [[n for n in names if kind(n) == group]]]
    totals = line(f"total ({len(names)} processes)", names)
    print(report.table(rows, columns))
    print()
    print(report.table(groups + [totals], columns))
    print(f"PSS in MiB; load: {args.concurrency} closed loops of payments through the Merchants gateway for "
          f"{args.minutes:g} minutes (" + ", ".join(f"{r['variant']} {r['payments_per_s']:.1f}" for r in runs)
          + f" payments/s); readings {args.settle:g} s after start and after the load")
    print("targets: <= 500 MiB after start, <= 700 MiB at idle after a 10-minute load")
    print(f"saved {report.save('footprint', {'runs': runs, 'processes': rows, 'groups': groups, 'total': totals, 'minutes': args.minutes, 'concurrency': args.concurrency, 'settle_s': args.settle})}")


if __name__ == "__main__":
    main()
