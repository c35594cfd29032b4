"""The chaincode shim alone against the fake peer: transactions/s and chaincode CPU per transaction.

    python -m bench.shim [--transactions N] [--in-flight K]

The chaincode server runs in its own process, as in production; the fake peer drives it from this
one. CPU per transaction of the chaincode process is the figure that matters on a real network,
where the peer needs the same cores: it is what the shim costs the peer. Context switches per
transaction show the hand-offs between threads (see chaincode/shim/README.md, Design and
performance). bench.chaincode measures the same shim on a real network, next to a Go chaincode.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import time
from concurrent.futures import wait
from dataclasses import asdict, dataclass

from bench import report
from grootboek.chaincode.shimtest.fakepeer import FakePeer

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    workload: str
    transactions: int
    in_flight: int
    tx_per_second: float
    chaincode_cpu_us_per_tx: float
    context_switches_per_tx: float


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime


def _context_switches(pid: int) -> int:
    total = 0
    for path in glob.glob(f"/proc/{pid}/task/*/status"):
        try:
            with open(path) as status:
                total += sum(int(line.split()[1]) for line in status if "ctxt_switches" in line)
        except OSError:
            pass  # a thread ended while we looked
    return total


def _start_server() -> tuple[subprocess.Popen, int]:
    process = subprocess.Popen(
        [sys.executable, "-m", "grootboek.chaincode.shim", "--chaincode",
         "grootboek.chaincode.conformance:chaincode", "--address", "127.0.0.1:0",
         "--id", "conformance:bench", "--tls-disabled"],
        env={**os.environ, "GROOTBOEK_LOG_LEVEL": "INFO"},
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in process.stderr:
        record = json.loads(line)
        if record["msg"] == "chaincode server listening":
            process.stderr.close()  # nothing more is logged at INFO on the hot path
            return process, record["port"]
    raise RuntimeError("chaincode server did not start")


def _drive(peer: FakePeer, args: tuple[str, ...], count: int, in_flight: int) -> None:
    """Keeps `in_flight` transactions outstanding until `count` have completed."""
    pending = {peer.submit(*args) for _ in range(min(in_flight, count))}
    sent = len(pending)
    while pending:
        done, pending = wait(pending, return_when="FIRST_COMPLETED")
        for future in done:
            if peer.response(future.result()).status != 200:
                raise RuntimeError(peer.response(future.result()).message)
        refill = min(len(done), count - sent)
        pending |= {peer.submit(*args) for _ in range(refill)}
        sent += refill


def run(transactions: int, in_flight: int) -> list[Result]:
    process, port = _start_server()
    results = []
    try:
        workloads = {
            "read (State:read)": ("State:read", "bench"),
            "write (State:put)": ("State:put", "bench", "value"),
        }
        for batched in (False, True):
            peer = FakePeer(f"127.0.0.1:{port}", write_batch=1000 if batched else 0,
                            get_multiple=1000 if batched else 0, record=False).connect()
            peer.state[("", "bench")] = b"value"
            for name, args in workloads.items():
                _drive(peer, args, min(transactions, 500), in_flight)  # warm up
                switches, cpu = _context_switches(process.pid), _cpu_seconds(process.pid)
                start = time.perf_counter()
                _drive(peer, args, transactions, in_flight)
                elapsed, used = time.perf_counter() - start, _cpu_seconds(process.pid) - cpu
                switched = _context_switches(process.pid) - switches
                label = f"{name}{' batched' if batched else ''}"
                results.append(Result(label, transactions, in_flight, round(transactions / elapsed),
                                      round(used / transactions * 1e6, 1),
                                      round(switched / transactions, 1)))
            peer.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--transactions", type=int, default=5000)
    parser.add_argument("--in-flight", type=int, default=32)
    options = parser.parse_args()
    rows = [asdict(r) for r in run(options.transactions, options.in_flight)]
    print(report.table(rows, ["workload", "tx_per_second", "chaincode_cpu_us_per_tx", "context_switches_per_tx"]))
    print(f"\nsaved {report.save('shim', {'rows': rows})}")


if __name__ == "__main__":
    main()
