"""Read model bench: how fast the back office's read model (api/readmodel/) takes a ledger, and how
fast its reports answer on a year of a city's payments.

1. A real ledger: the default consortium (Raft ordering, REST gateways as `up` runs them),
   `--payments` payments made through our client from `--threads` closed loops; then the channel's
   blocks are read from block 0 by the Municipality's peer's Deliver service twice: once only
   read (the baseline: what Fabric and our client take) and once taken into a fresh read model by
   its own `Store.apply`. Blocks/s and payments/s of both; the read model must count exactly the
   payments made.
2. A year of a city: `--synthetic` payments (default 1,000,000: about a year of Groningen's
   children's schemes) on `--budgets` budgets at `--shops` shops, spread over twelve months,
   built as the chaincode writes them (tests/readmodel_blocks.py) in blocks of `--block-size`,
   fed through the same `Store.apply`. At 10,000 payments (the baseline) and at the end: each
   report's response time as the office's gateway answers it (its CSV file, and the whole reports
   fragment with every chart), the median of `--repeats`, through the gateway's Flask app in
   this process (no TLS, no network). Target: under 1 s each.

    python -m bench.readmodel                                      # about 20 minutes
    python -m bench.readmodel --payments 2000 --synthetic 50000    # while iterating
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterator

from fabric_protos.common import ledger_pb2

from bench import report
from bench.rest_gateway import CHAINCODE, CHANNEL, Holder, connect, shop_network
from grootboek.api.accounts import Accounts
from grootboek.api.app import create_app
from grootboek.api.config import parse
from grootboek.api.fabric.invoker import RETRY
from grootboek.api.readmodel.reports import NAMES
from grootboek.api.readmodel.backends import FILE_NAME, SqliteFile
from grootboek.api.readmodel.store import Store
from grootboek.api.services import Services
from grootboek.client import GatewayError, submit_with_retry
from grootboek.network.config.crypto import OrgCrypto
from grootboek.progress import Progress
from tests import readmodel_blocks as built

SCHEME = "stadspas-2026"
CATEGORIES = ("bicycles", "clothing", "sports", "culture")
BASELINE_PAYMENTS = 10_000
REPORT_COLUMNS = ["payments", "report", "median_ms", "max_ms", "cpu_ms", "rows"]


# -- 1. a real ledger ---------------------------------------------------------------------------

def pay_all(network, shop_msp: Path, holders: list[Holder], payments: int, threads: int,
            progress: Progress) -> tuple[int, int]:
    """`payments` payments of a cent, one budget per loop; (made, failed)."""
    made, failed, lock = [0], [0], threading.Lock()
    each = [payments // threads + (1 if n < payments % threads else 0) for n in range(threads)]
    with connect(network, "Merchants", "bench-shop", shop_msp) as shop:
        contract = shop.network(CHANNEL).contract(CHAINCODE)

        def loop(index: int) -> None:
            holder = holders[index]
            for _ in range(each[index]):
                try:
                    submit_with_retry(contract, "Budgets:pay", [holder.budget, "1", "bicycles", holder.code()],
                                      policy=RETRY)
                    outcome = made
                except GatewayError:
                    outcome = failed
                with lock:
                    outcome[0] += 1
                    if (made[0] + failed[0]) % 500 == 0:
                        progress.update(f"ledger: {made[0]:,} of {payments:,} payments made")

        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(loop, range(threads)))
    return made[0], failed[0]


def read_blocks(network, height: int, store: Store | None) -> dict[str, float]:
    """Reads blocks 0 to height - 1 as the officer, taking each into `store` if one is given."""
    with connect(network, "Municipality", "officer") as gateway:
        started = time.perf_counter()
        stream = gateway.network(CHANNEL).block_events(start_block=0)
        try:
            for block in stream:
                if store is not None:
                    store.apply(block)
                if block.header.number >= height - 1:
                    break
        finally:
            stream.close()
        elapsed = time.perf_counter() - started
    return {"blocks": height, "elapsed_s": elapsed, "blocks_per_s": height / elapsed}


def real_ledger(args: argparse.Namespace, progress: Progress) -> dict[str, Any]:
    with shop_network(args.threads) as (network, _, shop_msp, holders), \
            tempfile.TemporaryDirectory(prefix="grootboek-readmodel-") as tmp:
        made, failed = pay_all(network, shop_msp, holders, args.payments, args.threads, progress)
        with connect(network, "Municipality", "officer") as gateway:
            info = gateway.network(CHANNEL).contract("qscc").evaluate("GetChainInfo", [CHANNEL])
            height = ledger_pb2.BlockchainInfo.FromString(info).height
        progress.update(f"ledger: reading {height:,} blocks")
        baseline = read_blocks(network, height, None)
        store = Store(SqliteFile(Path(tmp) / FILE_NAME), CHAINCODE)
        ours = read_blocks(network, height, store)
        counted = store.connection().execute("SELECT COUNT(*) FROM lines WHERE kind = 'payment'").fetchone()[0]
    return {"payments_made": made, "payments_failed": failed, "payments_counted": counted, "height": height,
            "read_only": {**baseline, "payments_per_s": made / baseline["elapsed_s"]},
            "ingest": {**ours, "payments_per_s": counted / ours["elapsed_s"]}}


# -- 2. a year of a city ------------------------------------------------------------------------

def year(payments: int, budgets: int, shops: int, block_size: int, seed: int = 2026) -> Iterator[tuple[Any, int]]:
    """(block, payments so far): the scheme, its budgets issued 100 to a transaction, then
    `payments` payments of random budgets at random shops, in time order over 2026."""
    rng = random.Random(seed)
    held = [built.Budget(f"b-{n:06d}", SCHEME, activated=rng.random() < 0.9, granted=25_000 * 100)
            for n in range(budgets)]
    number = 1
    yield built.genesis(), 0
    issues = [built.Tx(f"t-issue-{start}", [budget.write(budget.issued_at) for budget in held[start:start + 100]])
              for start in range(0, budgets, 100)]
    for start in range(0, len(issues), block_size):
        yield built.block(number, ([built.Tx("t-scheme", [built.scheme(SCHEME, "Stadspas 2026")])] if start == 0
                                   else []) + issues[start:start + block_size]), 0
        number += 1
    seconds = 365 * 24 * 3600
    made = 0
    while made < payments:
        transactions = []
        for _ in range(min(block_size, payments - made)):
            shop = rng.randrange(shops)
            at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1767225600 + seconds * made // payments))
            transactions.append(built.payment(f"t-{made:08d}", rng.choice(held), f"winkel-{shop:02d}",
                                              CATEGORIES[shop % len(CATEGORIES)], rng.randrange(100, 5000), at))
            made += 1
        yield built.block(number, transactions), made
        number += 1


def office_app(data_dir: Path) -> tuple[Any, Services, str]:
    """The office's gateway app on `data_dir`, with an officer and its token; no peer is needed."""
    config = parse({"organization": "Municipality", "msp_id": "MunicipalityMSP", "apps": ["office"],
                    "connection_profile": str(data_dir / "profile.json"), "data_dir": str(data_dir),
                    "chaincodes": {"budgets": {"channel": CHANNEL, "chaincode": CHAINCODE}}})
    crypto = OrgCrypto(data_dir / "crypto" / "Municipality", "gemeente.example")
    crypto.create()
    crypto.add_user("officer", attributes={"role": "officer"})
    accounts = Accounts.open(config)
    accounts.import_identity("officer", crypto.user_dir("officer") / "msp", None, None)
    token, _ = accounts.tokens.issue("officer")
    services = Services.open(config)
    return create_app(config, services), services, token


def report_times(app, token: str, payments: int, repeats: int) -> list[dict[str, Any]]:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    rows = []
    for name, path in [*((n, f"/office/reports/{SCHEME}/{n}.csv") for n in NAMES),
                       ("all, with charts", f"/office/reports/{SCHEME}")]:
        timings, cpu, answer = [], [], None
        for _ in range(repeats):
            started, started_cpu = time.perf_counter(), time.thread_time()
            answer = client.get(path, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
        text = answer.get_data(as_text=True)
        rows.append({"payments": payments, "report": name, "median_ms": statistics.median(timings),
                     "max_ms": max(timings), "cpu_ms": statistics.median(cpu), "rows": text.count("\n") - 1 if path.endswith(".csv") else
                     text.count("<tr>") - 5})
    return rows


def city_year(args: argparse.Namespace, progress: Progress) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="grootboek-readmodel-") as tmp:
        app, services, token = office_app(Path(tmp))
        store = services.readmodel
        assert store is not None
        measured, segments = [], []
        began, blocks, counted, taking, cpu = time.perf_counter(), 0, 0, 0.0, 0.0
        checkpoints = [size for size in (BASELINE_PAYMENTS, args.synthetic) if size <= args.synthetic]
        for block, made in year(args.synthetic, args.budgets, args.shops, args.block_size):
            started, started_cpu = time.perf_counter(), time.thread_time()
            store.apply(block)
            taking += time.perf_counter() - started
            cpu += time.thread_time() - started_cpu
            blocks += 1
            if made % 20_000 < args.block_size:
                progress.update(f"a city's year: {made:,} of {args.synthetic:,} payments taken")
            if checkpoints and made >= checkpoints[0]:
                segments.append({"payments": made - counted, "blocks": blocks, "ingest_s": taking, "ingest_cpu_s": cpu,
                                 "built_and_taken_s": time.perf_counter() - began,
                                 "payments_per_s": (made - counted) / taking, "blocks_per_s": blocks / taking,
                                 "payments_per_cpu_s": (made - counted) / cpu})
                progress.update(f"a city's year: reports at {made:,} payments")
                measured += report_times(app, token, made, args.repeats)
                counted, blocks, taking, cpu, began = made, 0, 0.0, 0.0, time.perf_counter()
                checkpoints.pop(0)
        size_mib = sum(f.stat().st_size for f in Path(tmp).glob(FILE_NAME + "*")) / 2**20
    return {"segments": segments, "reports": measured, "database_mib": size_mib}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=10_000, help="payments on the real ledger")
    parser.add_argument("--threads", type=int, default=32, help="closed loops paying on the real ledger")
    parser.add_argument("--synthetic", type=int, default=1_000_000, help="payments of the city's year")
    parser.add_argument("--budgets", type=int, default=20_000, help="budgets of the city's year")
    parser.add_argument("--shops", type=int, default=40, help="shops of the city's year")
    parser.add_argument("--block-size", type=int, default=50, help="transactions per block of the city's year")
    parser.add_argument("--repeats", type=int, default=5, help="reads of each report per measurement")
    parser.add_argument("--skip-ledger", action="store_true", help="only the city's year (no network)")
    args = parser.parse_args()
    progress = Progress()
    figures: dict[str, Any] = {"arguments": vars(args)}
    if not args.skip_ledger:
        with progress.step(f"a real ledger of {args.payments:,} payments"):
            figures["ledger"] = real_ledger(args, progress)
    with progress.step(f"a city's year of {args.synthetic:,} payments"):
        figures["city_year"] = city_year(args, progress)
    if "ledger" in figures:
        ledger = figures["ledger"]
        print(f"\nA real ledger: {ledger['payments_made']:,} payments made ({ledger['payments_failed']} failed), "
              f"{ledger['payments_counted']:,} counted by the read model, {ledger['height']:,} blocks")
        print(report.table([{"path": "read only (baseline)", **ledger["read_only"]},
                            {"path": "read and taken", **ledger["ingest"]}],
                           ["path", "blocks", "elapsed_s", "blocks_per_s", "payments_per_s"]))
    year_figures = figures["city_year"]
    print(f"\nA city's year: {args.synthetic:,} payments on {args.budgets:,} budgets at {args.shops} shops, "
          f"blocks of {args.block_size}; read model {year_figures['database_mib']:.0f} MiB")
    print(report.table(year_figures["segments"], ["payments", "blocks", "ingest_s", "ingest_cpu_s",
                                                  "payments_per_s", "blocks_per_s", "payments_per_cpu_s"]))
    print(report.table(year_figures["reports"], REPORT_COLUMNS))
    print(f"saved {report.save('readmodel', figures)}")


if __name__ == "__main__":
    main()
