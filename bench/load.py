"""The load engine our benchmarks share: client processes that drive a workload through their
organisations' gateways in alternating slices, the figures of each slice (rates, latency
percentiles, failures) and the CPU, context switches and memory the network's processes spend per
call (from /proc). Used by bench/chaincode.py and bench/payments.py.
"""
from __future__ import annotations

import math
import multiprocessing
import os
import time
import traceback
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty
from typing import Any, Protocol

from grootboek.client import CommitError, Contract, GatewayError
from grootboek.network.nodes import supervisor
from grootboek.network.nodes.network import Network

GROUPS = ("chaincode", "peers", "rest", "clients")  # where CPU per call is counted
_TICKS = os.sysconf("SC_CLK_TCK")

# -- figures -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One call: its thread and number there, monotonic start and end (comparable across
    processes on Linux), and the error's name if it failed."""

    thread: int
    n: int
    started: float
    ended: float
    error: str | None = None


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of unsorted values (0.0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass
class Figures:
    """What a load slice measured; slices of the same workload add up."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # calls that succeeded inside the window
    calls: int = 0  # every call of the slice, ramp-up and tail included: what the CPU paid for
    failures: Counter[str] = field(default_factory=Counter)
    # CPU seconds by process group, plus the chaincode servers' system seconds and context switches
    usage: Counter[str] = field(default_factory=Counter)
    rates: list[float] = field(default_factory=list)  # each slice's calls per second

    @classmethod
    def of(cls, samples: list[Sample], start: float, seconds: float, usage: dict[str, float]) -> "Figures":
        """Latencies of the calls that succeeded within [start, start + seconds]; failures and
        calls over the whole slice."""
        inside = [s.ended - s.started for s in samples
                  if s.error is None and start <= s.ended <= start + seconds]
        return cls(seconds, inside, len(samples), Counter(s.error for s in samples if s.error),
                   Counter(usage), [len(inside) / seconds])

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(self.seconds + other.seconds, self.latencies + other.latencies,
                       self.calls + other.calls, self.failures + other.failures, self.usage + other.usage,
                       self.rates + other.rates)

    @property
    def per_s(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def row(self) -> dict:
        """Flat figures for tables and JSON: rates, latency in ms, CPU ms per call by group."""
        return {"completed": len(self.latencies), "per_s": self.per_s,
                "slowest_slice_per_s": min(self.rates, default=None),
                "fastest_slice_per_s": max(self.rates, default=None),
                "p50_ms": percentile(self.latencies, 0.50) * 1000,
                "p95_ms": percentile(self.latencies, 0.95) * 1000,
                "failed": sum(self.failures.values()), "failures": dict(self.failures),
                **self._usage_per_call()}

    def _usage_per_call(self) -> dict[str, float]:
        if not self.usage:
            return {}
        calls = max(1, self.calls)
        per_call = {f"cpu_{group}_ms": self.usage[group] / calls * 1000 for group in GROUPS}
        per_call["chaincode_system_share"] = self.usage["chaincode_system"] / self.usage["chaincode"] \
            if self.usage["chaincode"] else 0.0
        per_call["chaincode_switches"] = self.usage["chaincode_switches"] / calls
        return per_call


def alternate(first: str, second: str, slices: int) -> list[str]:
    """`slices` turns each in ABBA order, so a steady drift in the machine's load favours neither."""
    pattern = [first, second, second, first]
    return [pattern[i % 4] for i in range(2 * slices)]


def error_name(exc: Exception) -> str:
    """A failure's name for counting: the validation code of an invalid commit, else the type
    and the first line of the first endorser's (or the gateway's) message."""
    if isinstance(exc, CommitError):
        return exc.validation_code_name
    if isinstance(exc, GatewayError):
        text = exc.details[0].message if exc.details else exc.message
    else:
        text = str(exc)
    return f"{type(exc).__name__}: {text.splitlines()[0][:120] if text else ''}"


# -- CPU and memory of the network's processes ---------------------------------------------------


def process_usage(pid: int) -> Counter[str]:
    """A process's CPU seconds in user and system mode (all its threads, from /proc/<pid>/stat)
    and its live threads' context switches (from /proc/<pid>/task/*/status)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    usage = Counter({"user": int(fields[11]) / _TICKS, "system": int(fields[12]) / _TICKS, "switches": 0})
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            lines = (task / "status").read_text().splitlines()
        except OSError:  # the thread ended meanwhile
            continue
        usage["switches"] += sum(int(line.split()[1]) for line in lines if "ctxt_switches:" in line)
    return usage


def network_processes(network: Network) -> dict[str, int]:
    """Name → pid of every running process of the network."""
    status = supervisor.request(network.run_dir, {"cmd": "status"})
    return {p["name"]: p["pid"] for p in status["processes"] if p["pid"]}


def server_names(network: Network, channel: str, chaincode: str) -> list[str]:
    organizations = network.consortium.channel(channel).organizations
    return [network.layout.chaincode_server_id(chaincode, org) for org in organizations]


class CpuMeter:
    """CPU seconds used by the network's processes in groups — one chaincode's servers, the peers,
    the rest (orderers, CAs, other chaincode servers) — and, for that chaincode's servers, the
    seconds in system mode and the context switches."""

    def __init__(self, network: Network, channel: str, chaincode: str):
        servers = set(server_names(network, channel, chaincode))
        peers = {peer.id for peer in network.layout.peers()}
        self.groups: dict[str, dict[str, int]] = {"chaincode": {}, "peers": {}, "rest": {}}
        for name, pid in network_processes(network).items():
            self.groups["chaincode" if name in servers else "peers" if name in peers else "rest"][name] = pid
        self.before = self._now()

    def _now(self) -> dict[str, Counter[str]]:
        return {group: sum((process_usage(pid) for pid in members.values()), Counter())
                for group, members in self.groups.items()}

    def used(self) -> Counter[str]:
        now = self._now()
        used = Counter({group: now[group]["user"] + now[group]["system"]
                        - self.before[group]["user"] - self.before[group]["system"] for group in self.groups})
        for detail in ("system", "switches"):
            used[f"chaincode_{detail}"] = now["chaincode"][detail] - self.before["chaincode"][detail]
        return used


# -- the load engine (shared with bench/payments.py) ---------------------------------------------


class Operation(Protocol):
    """One call of a load: `thread` is unique among all client processes and `n` counts that
    thread's calls from 0 over every slice; raises on failure. Must pickle (it crosses processes)."""

    def __call__(self, contract: Contract, thread: int, n: int) -> None: ...


@dataclass(frozen=True)
class Client:
    """One load process: a user of an organisation, through its first peer's gateway."""

    org: str
    user: str
    threads: int


def spread(seats: list[tuple[str, str]], threads: int) -> list[Client]:
    """`threads` split as evenly as possible over one client process per (organisation, user)."""
    share, extra = divmod(threads, len(seats))
    counts = [share + (i < extra) for i in range(len(seats))]
    return [Client(org, user, count) for (org, user), count in zip(seats, counts) if count]


def thread_ranges(clients: list[Client]) -> list[range]:
    """The global thread numbers of each client, in order."""
    firsts = [sum(c.threads for c in clients[:i]) for i in range(len(clients))]
    return [range(first, first + client.threads) for first, client in zip(firsts, clients)]


@dataclass(frozen=True)
class _Slice:
    chaincode: str
    operation: Operation
    start: float  # time.monotonic() at which every thread begins
    until: float  # ... and after which none begins another call


def _calls(contract: Contract, operation: Operation, thread: int, n: int, until: float) -> list[Sample]:
    samples = []
    while time.monotonic() < until:
        started = time.monotonic()
        try:
            operation(contract, thread, n)
            samples.append(Sample(thread, n, started, time.monotonic()))
        except Exception as exc:  # noqa: BLE001 - every failure is counted by name, none stops the load
            samples.append(Sample(thread, n, started, time.monotonic(), error_name(exc)))
        n += 1
    return samples


def _client_process(state_dir: Path, client: Client, threads: range, channel: str,
                    commands: Any, results: Any) -> None:
    """Connects once, then runs one slice per command until it gets None."""
    try:
        network = Network.from_state(state_dir)
        next_n = dict.fromkeys(threads, 0)
        with network.gateway(client.org, client.user) as gateway, \
                ThreadPoolExecutor(len(threads)) as pool:
            results.put(("ready", None))
            while (job := commands.get()) is not None:
                contract = gateway.network(channel).contract(job.chaincode)
                time.sleep(max(0.0, job.start - time.monotonic()))  # a common start across processes
                cpu = time.process_time()
                parts = list(pool.map(
                    lambda t: _calls(contract, job.operation, t, next_n[t], job.until), threads))
                for thread, part in zip(threads, parts):
                    next_n[thread] += len(part)
                results.put(("slice", ([s for part in parts for s in part], time.process_time() - cpu)))
    except BaseException:  # the parent reports it; a dead client must not leave it waiting
        results.put(("failed", traceback.format_exc()))
        raise


class LoadClients:
    """Client processes (one per `Client`), connected once, that run closed loops of an operation
    from all their threads, slice after slice: `run(chaincode, operation, seconds, ramp)`."""

    def __init__(self, network: Network, clients: list[Client], channel: str):
        self.network, self.channel = network, channel
        context = multiprocessing.get_context("spawn")  # grpc is not fork-safe
        self.results = context.Queue()
        self.commands = [context.Queue() for _ in clients]
        self.processes = [context.Process(target=_client_process, daemon=True, args=(
            network.layout.root, client, threads, channel, commands, self.results))
            for client, threads, commands in zip(clients, thread_ranges(clients), self.commands)]

    def __enter__(self) -> "LoadClients":
        for process in self.processes:
            process.start()
        self._gather(timeout=120)
        return self

    def __exit__(self, *exc: object) -> None:
        for commands in self.commands:
            commands.put(None)
        for process in self.processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()

    def _gather(self, timeout: float) -> list:
        deadline, received = time.monotonic() + timeout, []
        while len(received) < len(self.processes):
            try:
                got, payload = self.results.get(timeout=1)
            except Empty:
                if time.monotonic() > deadline or any(p.exitcode not in (None, 0) for p in self.processes):
                    raise RuntimeError(f"load clients stopped answering (exit codes "
                                       f"{[p.exitcode for p in self.processes]})") from None
                continue
            if got == "failed":
                raise RuntimeError(f"a load client failed:\n{payload}")
            received.append(payload)
        return received

    def run(self, chaincode: str, operation: Operation, seconds: float,
            ramp: float) -> tuple[Figures, list[Sample]]:
        """Every thread calls `operation` for ramp + seconds; figures count the calls that end in
        the last `seconds`. Returns the figures and every sample (ramp-up included)."""
        meter = CpuMeter(self.network, self.channel, chaincode)
        start = time.monotonic() + 0.2  # time for every process to receive the command
        for commands in self.commands:
            commands.put(_Slice(chaincode, operation, start, start + ramp + seconds))
        outcomes = self._gather(timeout=ramp + seconds + 300)
        usage = meter.used()
        usage["clients"] = sum(client_cpu for _, client_cpu in outcomes)
        samples = [s for part, _ in outcomes for s in part]
        return Figures.of(samples, start + ramp, seconds, usage), samples


COLUMNS = ["workload", "chaincode", "threads", "completed", "per_s", "slowest_slice_per_s",
           "fastest_slice_per_s", "p50_ms", "p95_ms", "failed", "cpu_chaincode_ms", "cpu_peers_ms",
           "cpu_rest_ms", "cpu_clients_ms", "chaincode_system_share", "chaincode_switches"]
CPU_NOTE = ("cpu_*_ms: CPU milliseconds per call of the chaincode's servers (every organisation's), "
            "the peers, the rest of the network (orderers, CAs, idle servers), the load clients;\n"
            "chaincode_system_share: the part of the chaincode servers' CPU spent in the kernel; "
            "chaincode_switches: their threads' context switches per call")


def print_failures(rows: list[dict]) -> None:
    for row in rows:
        for name, count in row["failures"].items():
            print(f"failures {row['workload']} {row.get('chaincode', '')}: {count} × {name}")
