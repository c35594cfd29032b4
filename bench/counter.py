"""Latency at the counter: what a shop waits for a payment, and what batching costs.

Stock Fabric has no adaptive batching: an orderer cuts a block when it holds `max_message_count`
transactions or when the channel's batch timeout has passed since the block's first one. At a
municipality's load (a few payments a second) blocks never fill, so every payment waits the whole
timeout; under saturation a short timeout cuts smaller blocks, and each block costs the orderers
and peers a fixed amount. Our orderers wait timeout/25 per transaction of the last block, at most
the timeout (network/fabric/pins.yaml). This bench prints both sides of the trade for our Fabric
at `--timeouts` and, on a second network in the same run, for stock Fabric at `--stock-timeouts`
(the default consortium, three Raft orderers, REST gateways as `up` runs them; timeouts changed
by config updates, as `grootboek channel batch --timeout` does):

- quiet: an open loop of payments through the Merchants gateway at `--rate` per second (a
  schedule, not the answers, sets the pace, as at real tills), p50 / p95 of the HTTP request;
- event: for each of those payments, from the moment its 201 answer (the gateway saw it commit)
  arrived to the moment its PaymentMade event arrived on the till's event stream, p50 / p95
  (negative when the event came first);
- saturated: closed loops of payments (`--concurrency`) as the same shop through our client
  (the gateway's own thread pool would cap the loops in flight, and with them what a long
  timeout allows), committed payments per second, payments per block, and the CPU each group of
  processes spent per payment (where small blocks cost).

Rounds visit a network's timeouts forwards, then backwards (ABBA), so a drift in a shared
machine's load favours none; figures pool the rounds and print each round's spread. The baseline
is stock Fabric at 250 ms, the setting before this bench.

    python -m bench.counter                                      # about 6 minutes with bring-ups
    python -m bench.counter --timeouts 250 --stock-timeouts 10,20,250 --rounds 4
"""
from __future__ import annotations

import argparse
import os
import secrets
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable

from bench import report
from bench.bringup import consortium
from bench.client import closed_loop, cpu_seconds, percentile
from bench.footprint import kind, stock_fabric, system
from bench.rest_gateway import SHOP, Holder, connect, per_thread, prepare, till
from grootboek.api.fabric.invoker import RETRY
from grootboek.client import Contract, submit_with_retry
from grootboek.network.admin.channel_admin import ChannelAdmin
from grootboek.network.config import config_edits
from grootboek.network.nodes import binaries
from grootboek.network.nodes.network import Network
from grootboek.progress import Progress
from tests.integration.api.conftest import Client
from tests.integration.api.sse import events

CHANNEL = "kindpakket"
TODAY = ("stock", 250)  # Fabric and the batch timeout before this bench chose ours
QUIET_HOLDERS = 40  # budgets the open loop pays from in turn: one is paid again only after 40 others
COLUMNS = ["fabric", "timeout_ms", "quiet_p50_ms", "quiet_p95_ms", "quiet_errors", "event_p50_ms", "event_p95_ms",
           "events_missing", "saturated_per_s", "saturated_spread", "saturated_vs_today", "payments_per_block"]
GROUPS = ("orderer", "peer", "chaincode", "api", "ca", "supervisor", "bench")


class Till:
    """The shop's event stream, read in a thread: when each payment's event arrived."""

    def __init__(self, client: Client, start_block: int) -> None:
        self.arrived: dict[str, float] = {}
        self._news = threading.Condition()
        self._client, self._start_block = client, start_block
        self._last_id: str | None = None
        self._stream: Any = None
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._follow, daemon=True)
        self._thread.start()

    def _follow(self) -> None:
        while not self._stopped.is_set():
            # A till that fell behind (or lost its stream) resumes after the last event it saw.
            options = ({"headers": {"Last-Event-ID": self._last_id}} if self._last_id
                       else {"params": {"start_block": self._start_block}})
            try:
                with self._client.get("/v1/budgets/events", stream=True, **options) as stream:
                    self._stream = stream
                    for event in events(stream):
                        with self._news:
                            self.arrived.setdefault(event.data["transaction_id"], time.monotonic())
                            self._news.notify_all()
                        self._last_id = event.id
            except Exception:  # noqa: BLE001 - closed by stop(), or dropped: reconnect unless stopped
                continue

    def wait(self, transaction_ids: set[str], seconds: float) -> None:
        """Until every one of these payments' events arrived, or `seconds` passed (then the row
        counts the missing ones)."""
        with self._news:
            self._news.wait_for(lambda: transaction_ids <= self.arrived.keys(), seconds)

    def stop(self) -> None:
        self._stopped.set()
        if self._stream is not None:
            self._stream.close()


def front_overhead(client: Client, calls: int = 50) -> float:
    """p50 of an authenticated GET that touches no peer (/v1/me): what the gateway itself adds
    to every payment (TLS, HTTP, token check, Flask)."""
    latencies = []
    for _ in range(calls):
        begun = time.monotonic()
        client.get("/v1/me").raise_for_status()
        latencies.append((time.monotonic() - begun) * 1000)
    return percentile(latencies, 0.50)


def set_timeout(network: Network, milliseconds: int) -> None:
    ChannelAdmin(network).update(CHANNEL, partial(config_edits.set_batch, timeout=f"{milliseconds}ms"),
                                 f"batch timeout {milliseconds}ms on {CHANNEL}")


def quiet(client: Client, holders: list[Holder], rate: float, seconds: float) -> list[dict[str, Any]]:
    """Payments at `rate` per second for `seconds`, each started on schedule whatever the others
    do; each payment's transaction id, latency and answer time (or its error)."""
    outcomes: list[dict[str, Any]] = []

    def pay(holder: Holder) -> None:
        body = {"budget_id": holder.budget, "amount": 1, "category": "bicycles", "code": holder.code()}
        begun = time.monotonic()  # the code is on the holder's phone before the till asks
        try:
            response = client.post("/v1/budgets/payments", body, headers={"Idempotency-Key": secrets.token_hex(16)})
        except Exception as exc:  # noqa: BLE001 - counted, never stops the schedule
            outcomes.append({"error": f"{type(exc).__name__}: {exc}"})
            return
        answered = time.monotonic()
        if response.status_code == 201:
            outcomes.append({"transaction_id": response.json()["id"], "latency_ms": (answered - begun) * 1000,
                             "answered": answered})
        else:
            outcomes.append({"error": f"HTTP {response.status_code}: {response.text[:200]}"})

    count = int(rate * seconds)
    with ThreadPoolExecutor(32) as pool:
        start = time.monotonic()
        for i in range(count):
            time.sleep(max(0.0, start + i / rate - time.monotonic()))  # the open loop's schedule
            pool.submit(pay, holders[i % len(holders)])
    return outcomes


def counters(network: Network, client: Client) -> dict[str, float]:
    """CPU seconds so far by process group (this bench's own process as `bench`), and the
    channel's height as `blocks`."""
    totals = dict.fromkeys(GROUPS, 0.0)
    for name, pid in system(network).items():
        try:
            totals[kind(name)] += cpu_seconds(pid)
        except OSError:  # a process that ended meanwhile
            continue
    totals["bench"] = cpu_seconds(os.getpid())
    totals["blocks"] = client.get(f"/v1/channels/{CHANNEL}/height").json()["height"]
    return totals


def saturated(shop: Contract, holders: list[Holder], seconds: float, warmup: float,
              measure: Callable[[], dict[str, float]]) -> dict[str, float]:
    """Closed loops, one budget per loop, through our client (the REST gateway's thread pool
    would cap the loops in flight, and with them what a long batch timeout allows): committed
    payments, seconds, and how much each counter of `measure` grew meanwhile."""
    def pay(holder: Holder) -> None:
        submit_with_retry(shop, "Budgets:pay", [holder.budget, "1", "bicycles", holder.code()], policy=RETRY)
    closed_loop(per_thread(holders, pay), len(holders), warmup)
    before = measure()
    outcome = closed_loop(per_thread(holders, pay), len(holders), seconds)
    grown = {name: value - before[name] for name, value in measure().items()}
    return {"payments": len(outcome["latencies_ms"]), "seconds": outcome["elapsed_s"], **grown}


def row(fabric: str, timeout: int, outcomes: list[dict[str, Any]], arrived: dict[str, float],
        phases: list[dict[str, float]]) -> dict[str, Any]:
    paid = [o for o in outcomes if "error" not in o]
    rates = [p["payments"] / p["seconds"] for p in phases]
    payments = sum(p["payments"] for p in phases)
    cpu = {group: sum(p[group] for p in phases) * 1000 / payments for group in GROUPS}
    latencies = [o["latency_ms"] for o in paid]
    delays = [(arrived[o["transaction_id"]] - o["answered"]) * 1000 for o in paid if o["transaction_id"] in arrived]
    return {"fabric": fabric, "timeout_ms": timeout, "payments": len(paid), "quiet_p50_ms": percentile(latencies, 0.50),
            "quiet_p95_ms": percentile(latencies, 0.95), "quiet_errors": len(outcomes) - len(paid),
            "first_error": next((o["error"] for o in outcomes if "error" in o), None),
            "event_p50_ms": percentile(delays, 0.50), "event_p95_ms": percentile(delays, 0.95),
            "events_missing": len(paid) - len(delays), "saturated_per_s": sum(rates) / len(rates),
            "saturated_rounds": rates, "saturated_spread": f"{min(rates):.1f}-{max(rates):.1f}",
            "payments_per_block": payments / sum(p["blocks"] for p in phases),
            "cpu_ms_per_payment": {group: round(ms, 2) for group, ms in cpu.items()},
            "cpu_ms_per_payment_total": sum(cpu.values())}


@dataclass
class Sitting:
    """What one network's rounds measured, by batch timeout."""

    quiet: dict[int, list[dict[str, Any]]]
    phases: dict[int, list[dict[str, float]]]
    arrived: dict[str, float]
    front_ms: float

    def rows(self, fabric: str) -> list[dict[str, Any]]:
        return [row(fabric, t, self.quiet[t], self.arrived, self.phases[t]) for t in sorted(self.quiet)]


def sit(fabric: str, timeouts: list[int], args: argparse.Namespace, progress: Progress) -> Sitting:
    """One network of `fabric` (ours or stock), each timeout measured in every round."""
    sitting = Sitting({t: [] for t in timeouts}, {t: [] for t in timeouts}, {}, 0.0)
    with tempfile.TemporaryDirectory(prefix="grootboek-bench-") as tmp:
        network = Network(consortium(3), Path(tmp) / "state", Progress.quiet())
        try:
            with progress.step(f"{fabric} Fabric: bring-up"), (stock_fabric(network) if fabric == "stock"
                                                                  else nullcontext()):
                network.up()
            shop_msp, holders = prepare(network, QUIET_HOLDERS + args.concurrency)
            gateway = till(network, shop_msp)
            client = gateway.client(SHOP)
            height = client.get(f"/v1/channels/{CHANNEL}/height").json()["height"]
            stream = Till(gateway.client(SHOP), height)
            sitting.front_ms = front_overhead(client)
            quiet_holders, loop_holders = holders[:QUIET_HOLDERS], holders[QUIET_HOLDERS:]
            shop_gateway = connect(network, "Merchants", SHOP, shop_msp)
            shop = shop_gateway.network(CHANNEL).contract("budgets")
            for round_number in range(args.rounds):
                for timeout in (timeouts if round_number % 2 == 0 else timeouts[::-1]):
                    with progress.step(f"{fabric} Fabric, round {round_number + 1}/{args.rounds}: "
                                       f"batch timeout {timeout} ms"):
                        set_timeout(network, timeout)
                        sitting.quiet[timeout] += quiet(client, quiet_holders, args.rate, args.quiet_seconds)
                        sitting.phases[timeout].append(saturated(shop, loop_holders, args.saturated_seconds,
                                                                 args.warmup, partial(counters, network, client)))
            stream.wait({o["transaction_id"] for runs in sitting.quiet.values() for o in runs if "error" not in o}, 30)
            stream.stop()
            sitting.arrived = stream.arrived
            shop_gateway.close()
        finally:
            network.down()
    return sitting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeouts", default="250", help="batch timeouts in ms for our Fabric")
    parser.add_argument("--stock-timeouts", default="20,250", help="batch timeouts in ms for stock Fabric")
    parser.add_argument("--rate", type=float, default=3.0, help="quiet payments per second (open loop)")
    parser.add_argument("--quiet-seconds", type=float, default=20.0)
    parser.add_argument("--saturated-seconds", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each saturated phase")
    parser.add_argument("--concurrency", type=int, default=64, help="closed loops of the saturated phase")
    parser.add_argument("--rounds", type=int, default=2, help="passes over the timeouts, alternating direction")
    args = parser.parse_args()
    plan = {"ours": [int(t) for t in args.timeouts.split(",") if t],
            "stock": [int(t) for t in args.stock_timeouts.split(",") if t]}
    if TODAY[1] not in plan[TODAY[0]]:
        plan[TODAY[0]].append(TODAY[1])  # every figure needs its baseline from the same run
    binaries.ensure(Progress())
    progress = Progress()
    sittings = {fabric: sit(fabric, timeouts, args, progress) for fabric, timeouts in plan.items() if timeouts}
    rows = [r for fabric, sitting in sittings.items() for r in sitting.rows(fabric)]
    today = next(r for r in rows if (r["fabric"], r["timeout_ms"]) == TODAY)["saturated_per_s"]
    for r in rows:
        r["saturated_vs_today"] = f"{r['saturated_per_s'] / today:.0%}"
    print(report.table(rows, COLUMNS))
    print(report.table([{"fabric": r["fabric"], "timeout_ms": r["timeout_ms"], **r["cpu_ms_per_payment"],
                         "total": r["cpu_ms_per_payment_total"]} for r in rows],
                       ["fabric", "timeout_ms", *GROUPS, "total"]))
    print(f"quiet: {args.rate:g} payments/s for {args.quiet_seconds:g} s per round; saturated: "
          f"{args.concurrency} closed loops (our client) for {args.saturated_seconds:g} s per round; {args.rounds} rounds (ABBA); "
          "event: answer (201) to the till's PaymentMade event; CPU: ms per saturated payment by process group "
          "(bench: this process, the closed loops' client); ours: the wait follows the last block's size, "
          "the timeout is its longest")
    fronts = ", ".join(f"{fabric} {s.front_ms:.1f} ms" for fabric, s in sittings.items())
    print(f"the gateway's own share: GET /v1/me p50 {fronts}")
    print("targets: quiet p50 <= 50 ms, p95 <= 100 ms; saturated >= 90% of stock Fabric's at 250 ms")
    for r in rows:
        if r["first_error"]:
            print(f"{r['fabric']} {r['timeout_ms']} ms: {r['quiet_errors']} quiet errors, first: {r['first_error']}")
    print(f"saved {report.save('counter', {'rows': rows, 'front_p50_ms': {f: s.front_ms for f, s in sittings.items()}, 'rate': args.rate, 'rounds': args.rounds, 'concurrency': args.concurrency, 'quiet_s': args.quiet_seconds, 'saturated_s': args.saturated_seconds})}")


if __name__ == "__main__":
    main()
