"""Client bench: our Python Gateway client against the official Node client (issue 6).

Side by side on one network (the default consortium with the conformance chaincode, started in a
temporary directory), both as the Municipality admin through the same peer: submit (endorse,
order, wait for the commit; State:put of a fresh key) and evaluate (State:read) at equal
concurrency — closed loops keeping N requests in flight, Python threads against Node async — with
throughput, latency (p50/p95) and each client process's CPU time per transaction, read from
/proc/<pid>/stat (utime + stime of all its threads) around each measured phase. Both clients run
as child processes speaking the same JSON line protocol (bench/node_client/worker.js), so both
are measured alike; a warm-up phase before each measured one is not counted.

Targets (issue 6): at equal concurrency, at least 90 % of Node's throughput and at most 1.5x its
CPU time per transaction.

    python -m bench.client                       # about a minute after bring-up
    python -m bench.client --duration 15 --rounds 3 --concurrency 1,8,32,64
    python -m bench.client --cprofile client.prof   # cProfile of our client's load threads
"""
from __future__ import annotations

import argparse
import cProfile
import itertools
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable

from bench import node_client, report
from bench.bringup import consortium
from grootboek.client import Contract, Gateway, GatewayError, PrivateKeySigner, X509Identity
from grootboek.client.profile import ConnectionProfile, connect_with_profile
from grootboek.network.nodes import binaries
from grootboek.network.nodes.network import Network
from grootboek.progress import Progress

ROOT = Path(__file__).resolve().parents[1]
ORGANIZATION = "Municipality"
USER = "admin"
CHANNEL = "kindpakket"
CHAINCODE = "conformance"
CLIENTS = ("python", "node")
OPERATIONS = ("evaluate", "submit")

# -- the Python worker: our client under load, in its own process ---------------------------------


def connect_as(profile: str | Path, msp: str | Path) -> Gateway:
    """Our client as a generated user: its organisation's connection profile and MSP directory."""
    loaded = ConnectionProfile.load(profile)
    identity = X509Identity.from_msp_directory(loaded.msp_id(), msp)
    return connect_with_profile(loaded, identity, PrivateKeySigner.from_msp_directory(msp))


def operation(contract: Contract, op: str, key: str) -> Callable[[int], bytes]:
    """The n-th request of a phase; the same transactions as worker.js sends."""
    if op == "submit":
        return lambda n: contract.submit("State:put", [f"{key}-{n}", "v"])
    if op == "evaluate":
        return lambda n: contract.evaluate("State:read", [key])
    raise ValueError(f"unknown operation {op!r}")


def closed_loop(request: Callable[[int], bytes], concurrency: int, duration: float,
                profiles: list[cProfile.Profile] | None = None) -> dict[str, Any]:
    """`concurrency` threads each keep one request in flight until `duration` has passed. With
    `profiles`, each thread profiles itself (cProfile only sees the thread that enabled it)."""
    latencies: list[float] = []
    errors: list[str] = []
    sequence = itertools.count()
    started = time.perf_counter()
    end = started + duration

    def loop() -> None:
        profile = cProfile.Profile() if profiles is not None else None
        if profile is not None:
            profile.enable()
        while time.perf_counter() < end:
            begun = time.perf_counter()
            try:
                request(next(sequence))
            except GatewayError as error:
                errors.append(str(error))
                continue
            latencies.append((time.perf_counter() - begun) * 1000)
        if profile is not None:
            profile.disable()
            profiles.append(profile)

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies_ms": latencies, "errors": len(errors),
            "first_error": errors[0] if errors else None,
            "elapsed_s": time.perf_counter() - started}


def serve(params: dict[str, Any]) -> None:
    """The worker side of the line protocol (see bench/node_client/worker.js), on our client.
    Commands marked `measured` are the ones profiled when `cprofile` names a file."""
    profiles: list[cProfile.Profile] | None = [] if params.get("cprofile") else None
    with connect_as(params["profile"], params["msp"]) as gateway:
        contract = gateway.network(params["channel"]).contract(params["chaincode"])
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            command = json.loads(line)
            request = operation(contract, command["op"], command["key"])
            measured = command.get("measured", False)
            outcome = closed_loop(request, command["concurrency"], command["duration"],
                                  profiles if measured else None)
            print(json.dumps(outcome), flush=True)
    if profiles:
        pstats.Stats(*profiles).dump_stats(params["cprofile"])


# -- the orchestrator ------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, all its threads (fields 14 and 15 of /proc/<pid>/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()  # the command name may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Worker:
    """A load worker child process (either client) and its JSON line protocol."""

    def __init__(self, name: str, command: list[str], cwd: Path) -> None:
        self.name = name
        self._process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True)
        self._receive()  # {"ready": true}

    def _receive(self) -> dict[str, Any]:
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.name} worker exited ({self._process.wait()}); "
                               "see its error above")
        return json.loads(line)

    def run(self, command: dict[str, Any]) -> dict[str, Any]:
        self._process.stdin.write(json.dumps(command) + "\n")
        self._process.stdin.flush()
        return self._receive()

    def cpu_seconds(self) -> float:
        return cpu_seconds(self._process.pid)

    def close(self) -> None:
        self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def credentials(network: Network) -> dict[str, str]:
    """Where the bench user's connection profile and MSP directory are."""
    return {"profile": str(network.layout.profile(ORGANIZATION)),
            "msp": str(network.layout.crypto(ORGANIZATION).user_dir(USER) / "msp")}


def start_workers(network: Network, cprofile: Path | None) -> dict[str, Worker]:
    params: dict[str, Any] = {**credentials(network), "channel": CHANNEL, "chaincode": CHAINCODE}
    python_params = {**params, "cprofile": str(cprofile) if cprofile else None}
    return {
        "python": Worker("python", [sys.executable, "-m", "bench.client", "worker",
                                    json.dumps(python_params)], ROOT),
        "node": Worker("node", [*node_client.command("worker.js"), json.dumps(params)],
                       node_client.DIRECTORY),
    }


def percentile(values: list[float], fraction: float) -> float | None:
    if len(values) < 2:
        return values[0] if values else None
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def measure(worker: Worker, op: str, concurrency: int, duration: float, warmup: float,
            key: str) -> dict[str, Any]:
    """One measured phase after a warm-up at the same load (connections, caches, JIT)."""
    command = {"op": op, "concurrency": concurrency, "key": key}
    worker.run({**command, "duration": warmup})
    cpu_before = worker.cpu_seconds()
    outcome = worker.run({**command, "duration": duration, "measured": True})
    cpu = worker.cpu_seconds() - cpu_before
    latencies = outcome["latencies_ms"]
    done = len(latencies)
    return {
        "op": op, "concurrency": concurrency, "client": worker.name, "transactions": done,
        "errors": outcome["errors"], "first_error": outcome["first_error"],
        "tx_s": done / outcome["elapsed_s"],
        "p50_ms": percentile(latencies, 0.50), "p95_ms": percentile(latencies, 0.95),
        "cpu_s": cpu, "cpu_ms_tx": cpu * 1000 / done if done else None,
    }


def combine(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Rounds of one cell and client: transactions and CPU summed, rates and latencies medians."""
    if len(rows) == 1:
        return rows[0]
    done = sum(r["transactions"] for r in rows)
    cpu = sum(r["cpu_s"] for r in rows)
    middle = {c: statistics.median(r[c] for r in rows if r[c] is not None)
              for c in ("tx_s", "p50_ms", "p95_ms")}
    return {**rows[0], **middle, "transactions": done, "cpu_s": cpu,
            "errors": sum(r["errors"] for r in rows),
            "cpu_ms_tx": cpu * 1000 / done if done else None}


def compare(python: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    throughput = python["tx_s"] / node["tx_s"] if node["tx_s"] else None
    cpu = (python["cpu_ms_tx"] / node["cpu_ms_tx"]
           if python["cpu_ms_tx"] and node["cpu_ms_tx"] else None)
    meets = throughput is not None and cpu is not None and throughput >= 0.9 and cpu <= 1.5
    return {"op": python["op"], "concurrency": python["concurrency"],
            "throughput_py_node": throughput, "cpu_per_tx_py_node": cpu,
            "targets_met": "yes" if meets else "no"}


def run_cells(workers: dict[str, Worker], concurrencies: list[int], args: argparse.Namespace,
              progress: Progress) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    cells = [(op, c) for op in OPERATIONS for c in concurrencies]
    for index, (op, concurrency) in enumerate(cells):
        per_client: dict[str, list[dict[str, Any]]] = {name: [] for name in CLIENTS}
        for round_number in range(args.rounds):
            # Alternate who goes first, so neither always meets a fresher ledger.
            order = CLIENTS if (index + round_number) % 2 == 0 else CLIENTS[::-1]
            for name in order:
                progress.update(f"{op} x{concurrency}: {name} (round {round_number + 1})")
                key = f"bench-{name}-{op}-{uuid.uuid4().hex[:8]}" if op == "submit" else args.read_key
                per_client[name].append(measure(workers[name], op, concurrency, args.duration,
                                                args.warmup, key))
        rows += [combine(per_client[name]) for name in CLIENTS]
    return rows


def seed(network: Network, key: str) -> None:
    """The key every evaluate reads, written once with our client."""
    with connect_as(**credentials(network)) as gateway:
        gateway.network(CHANNEL).contract(CHAINCODE).submit("State:put", [key, "a value to read"])


def bench(args: argparse.Namespace, progress: Progress) -> list[dict[str, Any]]:
    """Both clients on a network of their own, every cell; one row per cell and client."""
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    with tempfile.TemporaryDirectory(prefix="grootboek-bench-") as tmp:
        network = Network(consortium(3), Path(tmp) / "state", progress)
        try:
            network.up()
            seed(network, args.read_key)
            workers = start_workers(network, args.cprofile.resolve() if args.cprofile else None)
            try:
                with progress.step("measuring our client and the Node client"):
                    return run_cells(workers, concurrencies, args, progress)
            finally:
                for worker in workers.values():
                    worker.close()
        finally:
            network.down()


def print_report(rows: list[dict[str, Any]], comparisons: list[dict[str, Any]],
                 idle_load: float) -> None:
    print(report.table(rows, ["op", "concurrency", "client", "transactions", "errors", "tx_s",
                              "p50_ms", "p95_ms", "cpu_ms_tx"]))
    print()
    print(report.table(comparisons, ["op", "concurrency", "throughput_py_node",
                                     "cpu_per_tx_py_node", "targets_met"]))
    for row in rows:
        if row["errors"]:
            print(f"\n{row['client']} {row['op']} x{row['concurrency']}: {row['errors']} errors, "
                  f"first: {row['first_error']}")
    if idle_load > (os.cpu_count() or 1) / 2:
        # A saturated scheduler shares CPU among runnable threads: our client's many threads and
        # Node's one event loop fare differently, which skews rates far more than CPU per call.
        print(f"\nthe machine was busy before the bench began (load average {idle_load:.1f} on "
              f"{os.cpu_count()} CPUs): throughput and latency figures are unreliable, CPU time "
              "per transaction less so")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per measured phase")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of warm-up per phase")
    parser.add_argument("--concurrency", default="1,8,32", help="in-flight requests, comma-separated")
    parser.add_argument("--rounds", type=int, default=1, help="phases per client and cell")
    parser.add_argument("--cprofile", type=Path, help="write a cProfile of our client's measured "
                                                      "phases here (slows our client)")
    args = parser.parse_args()
    args.read_key = "bench-read"
    idle_load = os.getloadavg()[0]  # before our network starts: what else runs on this machine
    progress = Progress()
    binaries.ensure(progress)
    node_client.ensure_installed(progress)
    rows = bench(args, progress)
    comparisons = [compare(rows[i], rows[i + 1]) for i in range(0, len(rows), 2)]
    print_report(rows, comparisons, idle_load)
    if args.cprofile:
        print(f"\ncProfile of our client: {args.cprofile} (the figures above include its cost)")
    settings = {"duration_s": args.duration, "warmup_s": args.warmup, "rounds": args.rounds,
                "profiled": bool(args.cprofile), "load_average_before": idle_load}
    figures = {"settings": settings, "runs": rows, "comparisons": comparisons}
    print(f"\nsaved {report.save('client', figures)}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        serve(json.loads(sys.argv[2]))
    else:
        main()
