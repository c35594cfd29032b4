"""Growth: what payments, reports and disk cost as the budgets state grows to a year of data.

One network (the default consortium, three Raft orderers, REST gateways as `up` runs them),
measured at each size of the budgets chaincode's world state (`--sizes`, keys): the state is
filled between the measurements with budgets of a ballast scheme, issued 500 to a transaction
(`issue_budgets`) from `--fillers` threads. A budget is 3 keys (budget, beneficiary, first
history entry); a payment adds 6 (code, payment, history entry, two statement lines,
receivable). At each size:

- payments through the Merchants gateway: `--light` closed loops (p50 / p95, what a till waits
  at a municipality's load) and `--concurrency` closed loops (payments per second);
- the whole report of a scheme of `--report-budgets` budgets that does not grow (pages of 100,
  as the officer's client reads it) and the newest page of 100 lines of the shop's statement,
  each the median of `--repeats` reads through the gateways;
- the disk the budgets channel takes on each peer (block files, state, history, indexes).

A figure that grows faster than the data is a defect: at a fixed report or page size, reads and
payments should not slow down as unrelated keys are added (LevelDB's reads are logarithmic).

    python -m bench.growth                                   # about 20 minutes with the fill
    python -m bench.growth --sizes 1000,20000 --duration 10  # while iterating
"""
from __future__ import annotations

import argparse
import json
import secrets
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from bench import report
from bench.client import closed_loop, percentile
from bench.rest_gateway import (CHAINCODE, CHANNEL, SHOP, Holder, connect, open_scheme, per_thread, rest_payments,
                                shop_network)
from grootboek.chaincode.budgets.domain.budget import MAX_GRANTS_PER_BATCH
from grootboek.chaincode.signing import public_key_pem
from grootboek.client import Contract
from grootboek.network.nodes.network import Network
from grootboek.progress import Progress
from tests.integration.api.conftest import Gateway

KEYS_PER_BUDGET, KEYS_PER_PAYMENT = 3, 6
PAGE = 100
COLUMNS = ["keys", "payments_per_s", "light_p50_ms", "light_p95_ms", "errors", "report_ms", "statement_ms",
           "disk_mib", "state_mib", "blocks_mib"]


class State:
    """The budgets state the bench wrote so far, in keys (budgets and payments it made)."""

    def __init__(self, budgets: int) -> None:
        self.budgets, self.payments = budgets, 0

    @property
    def keys(self) -> int:
        return self.budgets * KEYS_PER_BUDGET + self.payments * KEYS_PER_PAYMENT


def issue(officer: Contract, scheme: str, count: int, holder_key: str, fillers: int, progress: Progress,
          label: str) -> None:
    """`count` budgets in `scheme`, in batches; one holder key for all (these budgets are never paid
    from, and a key per budget would only cost the bench time)."""
    batches = [min(MAX_GRANTS_PER_BATCH, count - start) for start in range(0, count, MAX_GRANTS_PER_BATCH)]
    done, lock = [0], threading.Lock()

    def submit(size: int) -> None:
        prefix = secrets.token_hex(6)
        grants = [{"budget_id": f"{prefix}-{n}", "beneficiary": f"p-{prefix}-{n}", "holder_key": holder_key}
                  for n in range(size)]
        officer.submit("Budgets:issue_budgets", [scheme, json.dumps(grants)])
        with lock:
            done[0] += size
            progress.update(f"{label}: {done[0]:,} of {count:,} budgets")

    with ThreadPoolExecutor(fillers) as pool:
        list(pool.map(submit, batches))


def median_ms(read, repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        read()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def whole_report(officer: Any, scheme: str) -> None:
    bookmark = ""
    while True:
        response = officer.get(f"/v1/budgets/schemes/{scheme}/report?page_size={PAGE}&bookmark={bookmark}")
        assert response.status_code == 200, response.text
        bookmark = response.json()["bookmark"]
        if not bookmark:
            return


def newest_statement_page(shop: Any) -> None:
    response = shop.get(f"/v1/budgets/merchants/{SHOP}/statement?page_size={PAGE}&newest_first=true")
    assert response.status_code == 200 and len(response.json()["items"]) == PAGE, response.text


def disk(network: Network) -> dict[str, float]:
    """MiB the budgets channel takes on the peers that hold it, in total and by part."""
    parts = {"state_mib": "stateLeveldb", "blocks_mib": f"chains/chains/{CHANNEL}", "history_mib": "historyLeveldb"}
    sizes = dict.fromkeys(["disk_mib", *parts], 0.0)
    for org in ("Municipality", "Merchants"):
        for peer in network.layout.peers(network.consortium.organization(org)):
            ledgers = network.layout.node_dir(peer.id) / "data" / "ledgersData"
            sizes["disk_mib"] += _mib(ledgers)
            for figure, part in parts.items():
                sizes[figure] += _mib(ledgers / part)
    return sizes


def _mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def measure(network: Network, gateways: dict[str, Any], holders: list[Holder], report_scheme: str,
            state: State, args: argparse.Namespace) -> dict[str, Any]:
    keys = state.keys
    pay = rest_payments(gateways["shop"])
    light = closed_loop(per_thread(holders[:args.light], pay), args.light, args.duration)
    busy = closed_loop(per_thread(holders[:args.concurrency], pay), args.concurrency, args.duration)
    state.payments += len(light["latencies_ms"]) + len(busy["latencies_ms"])
    return {"keys": keys, "budgets": state.budgets, "payments": state.payments,
            "payments_per_s": len(busy["latencies_ms"]) / busy["elapsed_s"],
            "light_p50_ms": percentile(light["latencies_ms"], 0.50),
            "light_p95_ms": percentile(light["latencies_ms"], 0.95),
            "errors": light["errors"] + busy["errors"], "first_error": light["first_error"] or busy["first_error"],
            "report_ms": median_ms(lambda: whole_report(gateways["officer"], report_scheme), args.repeats),
            "statement_ms": median_ms(lambda: newest_statement_page(gateways["shop"]), args.repeats),
            **disk(network)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000,1000000", help="keys of budgets state to measure at")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of each payments phase")
    parser.add_argument("--light", type=int, default=2, help="closed loops of the light phase")
    parser.add_argument("--concurrency", type=int, default=32, help="closed loops of the busy phase")
    parser.add_argument("--report-budgets", type=int, default=200, help="budgets of the scheme reported")
    parser.add_argument("--repeats", type=int, default=5, help="reads of the report and the statement")
    parser.add_argument("--fillers", type=int, default=4, help="threads issuing the ballast")
    parser.add_argument("--settle", type=float, default=30.0,
                        help="idle seconds after a fill: a year's state arrives slowly, so LevelDB's "
                             "compaction of a fill is not part of what a payment costs")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    progress = Progress()
    rows: list[dict[str, Any]] = []
    with shop_network(args.concurrency) as (network, merchants, shop_msp, holders):
        municipality = Gateway.of(network, "Municipality")
        municipality.admin("user", "add", "officer", "--msp-dir", str(municipality.users_dir / "officer" / "msp"))
        municipality.issue_token("officer")
        gateways = {"shop": merchants.client(SHOP), "officer": municipality.client("officer")}
        ballast_key = public_key_pem(ec.generate_private_key(ec.SECP256R1()))
        with connect(network, "Municipality", "officer") as officer_gateway:
            officer = officer_gateway.network(CHANNEL).contract(CHAINCODE)
            report_scheme = open_scheme(officer, "report", 10_000)
            issue(officer, report_scheme, args.report_budgets, ballast_key, args.fillers, progress, "report scheme")
            ballast = open_scheme(officer, "ballast", 10_000)
            state = State(len(holders) + args.report_budgets)
            for size in sizes:
                missing = max(0, size - state.keys) // KEYS_PER_BUDGET
                if missing:
                    with progress.step(f"state to {size:,} keys: {missing:,} budgets"):
                        issue(officer, ballast, missing, ballast_key, args.fillers, progress, "ballast")
                    state.budgets += missing
                    time.sleep(args.settle)
                with progress.step(f"measuring at {state.keys:,} keys"):
                    rows.append(measure(network, gateways, holders, report_scheme, state, args))
    print(report.table(rows, COLUMNS))
    first = rows[0]
    for row in rows[1:]:
        growth = row["keys"] / first["keys"]
        print(f"{row['keys']:,} keys ({growth:,.0f}x): payments/s {row['payments_per_s'] / first['payments_per_s']:.2f}x, "
              f"light p95 {row['light_p95_ms'] / first['light_p95_ms']:.2f}x, report {row['report_ms'] / first['report_ms']:.2f}x, "
              f"statement {row['statement_ms'] / first['statement_ms']:.2f}x, disk {row['disk_mib'] / first['disk_mib']:.1f}x")
    print(f"saved {report.save('growth', {'rows': rows, 'args': vars(args)})}")


if __name__ == "__main__":
    main()
