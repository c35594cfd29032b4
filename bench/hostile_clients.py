"""Hostile clients bench: payments through a REST gateway while other clients hold it.

Side by side in one run on one network (the default consortium with Raft ordering, started in a
temporary directory): a till pays through the Merchants gateway from a few closed loops (counter
load), first quiet, then while an attacker process holds idle TLS connections (handshake done,
then silence), half-open ones (TCP only, no handshake) and event-stream subscribers on the same
gateway, re-opening each as soon as the gateway drops it. The subscribers are other shops' tills
(a user may hold `limits.event_streams_per_user` streams, so they are spread over as many users as
that takes): they hold streams the paying shop's events do not go to. A probe asks /health/ready twice a
second throughout. The attacker runs on one core at the lowest priority with its open-file limit
raised, so the figures measure the gateway, not the attacker.

Targets: payment p95 under attack within 1.5x of the quiet p95; no failed readiness check; the
gateway's memory (PSS) under attack is printed beside the quiet figure.

    python -m bench.hostile_clients
    python -m bench.hostile_clients --idle 2000 --half-open 500 --subscribers 1000 --duration 30
"""
from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import resource
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import requests

from bench import report
from bench.client import cpu_seconds, percentile
from bench.footprint import pss_kib
from bench.rest_gateway import PATHS, phase, shop_network
from grootboek.api.config import load as load_config
from grootboek.network.nodes.network import Network
from grootboek.network.nodes import supervisor

COLUMNS = ["phase", "payments", "p50_ms", "p95_ms", "errors", "ready_failed", "idle", "half_open",
           "subscribers", "gateway_pss_mib", "gateway_cpu_ms_per_payment"]


def gateway_pid(network: Network, org: str) -> int:
    for process in supervisor.request(network.run_dir, {"cmd": "status"})["processes"]:
        if process["name"] == network.layout.api_id(network.consortium.organization(org)):
            return process["pid"]
    raise LookupError(f"no running gateway of {org}")


class ReadinessProbe(threading.Thread):
    """Asks /health/ready every half second; counts answers that are not 200 within 2 s."""

    def __init__(self, url: str, ca_file: Path) -> None:
        super().__init__(daemon=True)
        self.url, self.ca_file = url + "/health/ready", ca_file
        self.asked = self.failed = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(0.5):
            self.asked += 1
            try:
                ok = requests.get(self.url, verify=str(self.ca_file), timeout=2).status_code == 200
            except requests.RequestException:
                ok = False
            self.failed += not ok


# -- the attacker (a process of its own) -----------------------------------------------------------

async def _hold(open_one, counts: dict[str, int], kind: str) -> None:
    """Keeps one connection of `kind` open, re-opening it whenever the gateway drops it."""
    while True:
        try:
            reader, writer = await open_one()
        except (OSError, ssl.SSLError, asyncio.TimeoutError):
            await asyncio.sleep(0.2)
            continue
        counts[kind] += 1
        try:
            while await reader.read(65536):
                pass
        except (OSError, ssl.SSLError):
            pass
        finally:
            counts[kind] -= 1
            writer.close()


async def attack(params: dict[str, Any]) -> None:
    host, port = params["host"], params["port"]
    context = ssl.create_default_context(cafile=params["ca_file"])
    subscribe = [(f"GET /v1/budgets/events HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n"
                  f"Authorization: Bearer {token}\r\n\r\n").encode() for token in params["tokens"]]

    async def idle():
        return await asyncio.open_connection(host, port, ssl=context, server_hostname=host)

    async def half_open():
        return await asyncio.open_connection(host, port)

    async def subscriber(request: bytes):
        reader, writer = await idle()
        writer.write(request)
        return reader, writer

    counts = {"idle": 0, "half_open": 0, "subscribers": 0}

    async def report_counts() -> None:
        while True:
            print(json.dumps(counts), flush=True)
            await asyncio.sleep(1)

    # Reported from the start: on a loaded machine the ramp itself can take the whole settle time.
    tasks = [asyncio.ensure_future(report_counts())]
    openers = {"half_open": [half_open], "idle": [idle],
               "subscribers": [functools.partial(subscriber, request) for request in subscribe]}
    for kind in ("half_open", "subscribers", "idle"):
        for number in range(params[kind]):
            opener = openers[kind][number % len(openers[kind])]
            tasks.append(asyncio.ensure_future(_hold(opener, counts, kind)))
            await asyncio.sleep(0.002)  # a ramp, not one burst of handshakes
    await asyncio.gather(*tasks)


def watchers(gateway, shop_msp: Path, subscribers: int) -> list[str]:
    """Tokens of as many other shops' till users as `subscribers` streams need."""
    per_user = load_config(gateway.config_path).limits.event_streams_per_user
    tokens = []
    for number in range(-(-subscribers // per_user)):
        name = f"watcher-{number}"
        gateway.admin("user", "add", name, "--msp-dir", str(shop_msp), "--merchant", name)
        tokens.append(gateway.issue_token(name))
    return tokens


def start_attacker(gateway, tokens: list[str], args: argparse.Namespace) -> subprocess.Popen:
    host, port = gateway.base_url.split("//", 1)[1].rsplit(":", 1)
    params = {"host": host, "port": int(port), "ca_file": str(gateway.ca_file), "tokens": tokens,
              "idle": args.idle, "half_open": args.half_open, "subscribers": args.subscribers}

    def confine() -> None:
        os.sched_setaffinity(0, {0})
        os.nice(19)
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    return subprocess.Popen([sys.executable, "-m", "bench.hostile_clients", "--attacker", json.dumps(params)],
                            stdout=subprocess.PIPE, text=True, preexec_fn=confine)


class Held(threading.Thread):
    """The attacker's latest counts of connections it holds."""

    def __init__(self, attacker: subprocess.Popen) -> None:
        super().__init__(daemon=True)
        self.attacker, self.counts = attacker, {"idle": 0, "half_open": 0, "subscribers": 0}
        self.changed = threading.Condition()

    def run(self) -> None:
        assert self.attacker.stdout is not None
        for line in self.attacker.stdout:
            with self.changed:
                self.counts = json.loads(line)
                self.changed.notify_all()

    def wait_for(self, wanted: dict[str, int], seconds: float) -> float:
        """Until the attacker holds every connection it wants (or `seconds` pass); the time taken."""
        started = time.monotonic()
        with self.changed:
            self.changed.wait_for(lambda: all(self.counts[k] >= n for k, n in wanted.items()), seconds)
        return time.monotonic() - started


# -- the bench ------------------------------------------------------------------------------------

def measure(name: str, network: Network, gateway, shop_msp: Path, holders, args: argparse.Namespace,
            held: Held | None) -> dict[str, Any]:
    probe = ReadinessProbe(gateway.base_url, gateway.ca_file)
    probe.start()
    phase("rest", network, gateway, shop_msp, holders, args.concurrency, args.warmup)
    pid = gateway_pid(network, "Merchants")
    cpu_before = cpu_seconds(pid)
    outcome = phase("rest", network, gateway, shop_msp, holders, args.concurrency, args.duration)
    cpu_used = cpu_seconds(pid) - cpu_before
    probe.stopping.set()
    probe.join()
    counts = dict(held.counts) if held else {"idle": 0, "half_open": 0, "subscribers": 0}
    latencies = outcome["latencies_ms"]
    return {"phase": name, "payments": len(latencies), "p50_ms": percentile(latencies, 0.50),
            "p95_ms": percentile(latencies, 0.95), "errors": outcome["errors"],
            "first_error": outcome["first_error"], "ready_failed": probe.failed, "ready_asked": probe.asked,
            **counts, "gateway_pss_mib": pss_kib(pid) / 1024,
            "gateway_cpu_ms_per_payment": 1000 * cpu_used / len(latencies) if latencies else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attacker", help=argparse.SUPPRESS)
    parser.add_argument("--idle", type=int, default=2000)
    parser.add_argument("--half-open", type=int, default=500)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=4, help="tills paying at once")
    parser.add_argument("--duration", type=float, default=30.0, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--settle", type=float, default=120.0,
                        help="seconds at most for the attacker to open its connections before measuring")
    args = parser.parse_args()
    if args.attacker:
        asyncio.run(attack(json.loads(args.attacker)))
        return
    with shop_network(args.concurrency * len(PATHS)) as (network, gateway, shop_msp, holders):
        rows = [measure("quiet", network, gateway, shop_msp, holders[:args.concurrency], args, None)]
        attacker = start_attacker(gateway, watchers(gateway, shop_msp, args.subscribers), args)
        held = Held(attacker)
        held.start()
        try:
            # On a crowded machine the attacker (lowest priority) ramps up slowly: measure only
            # once it holds what it was asked to, or say that it did not.
            settled = held.wait_for({"idle": args.idle, "half_open": args.half_open,
                                     "subscribers": args.subscribers}, args.settle)
            print(f"attacker ramped up in {settled:.0f} s: {held.counts}", flush=True)
            rows.append(measure("attacked", network, gateway, shop_msp, holders[args.concurrency:],
                                args, held))
        finally:
            attacker.kill()
            attacker.wait()
    print(report.table(rows, COLUMNS))
    ratio = rows[1]["p95_ms"] / rows[0]["p95_ms"] if rows[0]["p95_ms"] else None
    print(f"p95 under attack: {ratio:.2f}x the quiet p95 (target <= 1.5x); "
          f"readiness failures: {rows[1]['ready_failed']} of {rows[1]['ready_asked']} (target 0)")
    saved = report.save("hostile_clients", {"rows": rows, "p95_ratio": ratio, "target_p95_ratio": 1.5,
                                            "attack": {"idle": args.idle, "half_open": args.half_open,
                                                       "subscribers": args.subscribers},
                                            "concurrency": args.concurrency, "duration_s": args.duration})
    print(f"saved {saved}")


if __name__ == "__main__":
    main()
