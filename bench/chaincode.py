"""Python chaincode vs a Go chaincode with the same contract, side by side on one network in one run.

The network is the default consortium's nodes (3 Raft orderers; Municipality, Registry, Merchants)
with one channel `bench` that all three organisations join (endorsement: the channel's MAJORITY,
so two of the three peers endorse each transaction) and two chaincodes on it:

- `pystate`: our conformance chaincode (grootboek.chaincode.conformance) on our Python shim;
- `gostate`: bench/go_chaincode, the same State:put / State:get on fabric-contract-api-go v2.2.0
  and fabric-chaincode-go v2.3.0, built with the machine's Go into ~/.cache/grootboek/bench.

Each chaincode runs as one chaincode-as-a-service server per organisation. Workloads:

- endorse: sequential proposals (State:put endorsed, not submitted), alternating chaincodes call by
  call: latency p50/p95;
- evaluate: State:get of one existing key from 16 client threads: evaluations/s;
- submit: State:put of fresh keys from 64 client threads until committed: committed tx/s.

Load comes from one client process per organisation (its admin, through its own peer's gateway;
threads split evenly, so no client GIL caps the figures), connected once for all slices. Each load
runs in short slices alternating between the chaincodes (ABBA…), so both meet the same conditions
on a shared machine; a slice counts only calls that end after its ramp-up. Every workload also
reports CPU milliseconds per call from /proc/<pid>/stat — the chaincode's servers (all three
together), the peers, the rest of the network, the load clients — and each chaincode server's RSS
at the end. CPU per call hardly depends on what else runs on the machine; rates do.

Targets (issue): Python ≥ 90 % of Go's evaluations/s; committed tx/s within 5 % of Go (aim ≥ 97 %).

    python -m bench.chaincode                           # about 3 minutes with bring-up
    python -m bench.chaincode --slices 10 --seconds 10  # longer, steadier figures

The load engine is bench/load.py, shared with bench/payments.py.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from bench import report
from bench.bringup import rss_kib
from bench.load import (COLUMNS, CPU_NOTE, GROUPS, Figures, LoadClients, Operation, alternate, network_processes,
                        percentile, print_failures, server_names, spread)
from grootboek.client import Contract
from grootboek.network.config import consortium as consortium_file
from grootboek.network.config.consortium import Consortium
from grootboek.network.nodes import binaries
from grootboek.network.nodes.network import Network
from grootboek.progress import Progress
# The integration tests' consortium pieces, shared on purpose.
from tests.integration.conftest import CONFORMANCE

GO_SOURCE = Path(__file__).resolve().parent / "go_chaincode"
CHANNEL = "bench"
PYTHON, GO = "pystate", "gostate"


# -- the Go chaincode and the network ------------------------------------------------------------


def go_chaincode(progress: Progress) -> Path:
    """The Go chaincode's binary, built once per source and Go version into the user's cache."""
    go = shutil.which("go")
    if go is None:
        raise RuntimeError("the Go chaincode needs Go (1.24 or newer) on PATH")
    version = subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True, check=True).stdout
    digest = hashlib.sha256(version.encode())
    for path in sorted(GO_SOURCE.iterdir()):
        if path.suffix == ".go" or path.name in ("go.mod", "go.sum"):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    target = binaries.cache_root().parent / "bench" / f"go_chaincode-{digest.hexdigest()[:16]}"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with progress.step("building the Go chaincode (first run only)"), \
            tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        env = dict(os.environ, CGO_ENABLED="0", GOFLAGS="-mod=readonly")
        built = subprocess.run([go, "build", "-trimpath", "-o", f"{tmp}/go_chaincode", "."],
                               cwd=GO_SOURCE, env=env, capture_output=True, text=True)
        if built.returncode != 0:
            raise RuntimeError(f"building the Go chaincode failed:\n{built.stderr[-3000:]}")
        os.replace(f"{tmp}/go_chaincode", target)
    return target


def bench_consortium(go_binary: Path) -> Consortium:
    """The default consortium's nodes with one channel of all organisations and both chaincodes.
    No REST gateways: they would only compete for the machine's cores."""
    data = consortium_file.load().model_dump()
    organizations = [org["name"] for org in data["organizations"]]
    for org in data["organizations"]:
        org["api"] = None

    def servers(first_port: int) -> dict[str, int]:  # placeholders; with_free_ports picks real ones
        return {name: first_port + i for i, name in enumerate(organizations)}

    data["channels"] = [{"name": CHANNEL, "organizations": organizations, "chaincodes": [
        {"name": PYTHON, "contract": CONFORMANCE, "servers": servers(20000)},
        {"name": GO, "command": [str(go_binary)], "servers": servers(20100)},
    ]}]
    return consortium_file.with_free_ports(consortium_file.parse(data))


# -- this benchmark's workloads ------------------------------------------------------------------

KEY = "bench-key"


@dataclass(frozen=True)
class GetKey:
    """State:get of the one seeded key."""

    def __call__(self, contract: Contract, thread: int, n: int) -> None:
        contract.evaluate("State:get", [KEY])


@dataclass(frozen=True)
class PutFreshKey:
    """State:put of a key no other call writes, until committed as valid."""

    prefix: str

    def __call__(self, contract: Contract, thread: int, n: int) -> None:
        contract.submit("State:put", [f"{self.prefix}-{thread}-{n}", "value"])


def endorse_latency(contracts: dict[str, Contract], count: int) -> dict[str, Figures]:
    """Sequential endorsements of State:put (to every endorser and back, nothing submitted),
    alternating between the chaincodes call by call."""
    latencies: dict[str, list[float]] = {name: [] for name in contracts}
    for n in range(count):
        for name, contract in contracts.items():
            started = time.monotonic()
            contract.new_proposal("State:put", [f"endorse-{n}", "value"]).endorse()
            latencies[name].append(time.monotonic() - started)
    return {name: Figures(sum(values), values, len(values)) for name, values in latencies.items()}


def loaded(network: Network, threads: int, workload: Callable[[str], Operation], args: argparse.Namespace,
           ramp: float) -> dict[str, Figures]:
    """Both chaincodes under the same load in alternating slices, after a warm-up slice each."""
    orgs = network.consortium.channel(CHANNEL).organizations
    figures = {PYTHON: Figures(), GO: Figures()}
    with LoadClients(network, spread([(org, "admin") for org in orgs], threads), CHANNEL) as clients:
        for chaincode in (PYTHON, GO):
            clients.run(chaincode, workload(chaincode), seconds=2, ramp=0)
        for chaincode in alternate(PYTHON, GO, args.slices):
            figures[chaincode] += clients.run(chaincode, workload(chaincode), args.seconds, ramp)[0]
    return figures


def measure(network: Network, args: argparse.Namespace) -> dict[str, dict[str, Figures]]:
    orgs = network.consortium.channel(CHANNEL).organizations
    with network.gateway(orgs[0]) as gateway:
        contracts = {cc: gateway.network(CHANNEL).contract(cc) for cc in (PYTHON, GO)}
        for contract in contracts.values():
            contract.submit("State:put", [KEY, "value"])
        endorse = endorse_latency(contracts, args.endorsements)
        for name, contract in contracts.items():  # by now every peer has the seeded key
            if contract.evaluate("State:get", [KEY]) != b"value":
                raise RuntimeError(f"{name}: the seeded key does not read back")
    run = time.monotonic_ns()
    return {
        "endorse": endorse,
        "evaluate": loaded(network, args.evaluate_threads, lambda cc: GetKey(), args, ramp=1.0),
        "submit": loaded(network, args.submit_threads, lambda cc: PutFreshKey(f"{run}-{cc}"), args, ramp=3.0),
    }


def memory(network: Network) -> dict[str, int]:
    processes = network_processes(network)
    return {name: rss_kib(processes[name]) // 1024
            for cc in (PYTHON, GO) for name in server_names(network, CHANNEL, cc)}


def python_share(figures: dict[str, dict[str, Figures]]) -> dict[str, float]:
    """Python's figure as a share of Go's: the measured rates; inverse latency for endorse; for
    evaluate and submit also the inverse of the chaincode's CPU per call and the rate a machine
    bound only by this CPU would reach (inverse of every process group's CPU per call together),
    which other load on a shared machine hardly disturbs."""
    def per_call(workload: str, chaincode: str, groups: tuple[str, ...]) -> float:
        measured = figures[workload][chaincode]
        return sum(measured.usage[group] for group in groups) / max(1, measured.calls)

    shares = {w: figures[w][PYTHON].per_s / figures[w][GO].per_s for w in ("evaluate", "submit")}
    shares["endorse p50 latency"] = (percentile(figures["endorse"][GO].latencies, 0.5)
                                     / percentile(figures["endorse"][PYTHON].latencies, 0.5))
    for w in ("evaluate", "submit"):
        shares[f"{w} chaincode CPU per call"] = (per_call(w, GO, ("chaincode",))
                                                 / per_call(w, PYTHON, ("chaincode",)))
        shares[f"{w} projected from CPU per call"] = per_call(w, GO, GROUPS) / per_call(w, PYTHON, GROUPS)
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slices", type=int, default=4, help="measured slices per chaincode and load")
    parser.add_argument("--seconds", type=float, default=6.0,
                        help="measured seconds per slice (after ramp-up)")
    parser.add_argument("--endorsements", type=int, default=200, help="sequential endorsements per chaincode")
    parser.add_argument("--evaluate-threads", type=int, default=16)
    parser.add_argument("--submit-threads", type=int, default=64)
    args = parser.parse_args()
    progress = Progress()
    binaries.ensure(progress)
    go_binary = go_chaincode(progress)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="grootboek-bench-") as tmp:
        network = Network(bench_consortium(go_binary), Path(tmp) / "state", progress)
        try:
            network.up()
            figures = measure(network, args)
            rss = memory(network)
        finally:
            network.down()
    threads = {"endorse": 1, "evaluate": args.evaluate_threads, "submit": args.submit_threads}
    rows = [{"workload": w, "chaincode": cc, "threads": threads[w], **f.row()}
            for w, by_chaincode in figures.items() for cc, f in by_chaincode.items()]
    shares = python_share(figures)
    print(report.table(rows, COLUMNS))
    print(f"\n{CPU_NOTE}")
    print_failures(rows)
    print("\nchaincode server RSS (MiB): " + ", ".join(f"{k} {v}" for k, v in sorted(rss.items())))
    print(f"machine load average (1 min) before and after: {load_before[0]:.1f}, {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs (other processes share the machine: compare within this run)")
    targets = {"evaluate": 0.90, "submit": 0.95, "evaluate projected from CPU per call": 0.90,
               "submit projected from CPU per call": 0.95}
    print("\nPython as a share of Go:")
    for name, share in shares.items():
        target = targets.get(name)
        met = target is not None and share >= target
        verdict = "" if target is None else f" (target ≥ {target:.0%}: {'met' if met else 'NOT met'})"
        print(f"  {name}: {share:.1%}{verdict}")
    saved = report.save("chaincode", {"settings": vars(args), "rows": rows, "rss_mib": rss,
                                      "python_share_of_go": shares,
                                      "load_average": [load_before, os.getloadavg()]})
    print(f"\nsaved {saved}")


if __name__ == "__main__":
    main()
