"""Issuing beneficiaries from a CSV file through the back office: budgets issued per second, beside
the same number issued directly with the client's `issue_budgets`, in one sitting on the default
network (the default consortium, three Raft orderers, the gateways `up` runs, in a temporary
directory).

The office path is what /office/ does for an officer: the gateway's dry run of the whole file
(POST /office/imports/check: every row checked, citizen numbers turned into keyed pseudonyms and
budget ids), then one activation letter per good row (POST /v1/budgets/activation-letters),
WORKERS at a time as office.js sends them. The direct path submits `Budgets:issue_budgets` with
the officer's identity through grootboek.client: the same budgets (an activation each, so a
letter can be printed), `--batch` to a transaction from `--threads` threads, and once more one to a
transaction (what the office's one letter per request costs the ledger, without the gateway). Each
path has a scheme of its own; each run's file has new citizen numbers. The load average at the
start and the end is printed and saved: the figures compare within one run.

    python -m bench.office_import                      # about four minutes with bring-up
    python -m bench.office_import --beneficiaries 200
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from bench import report
from bench.rest_gateway import CHAINCODE, CHANNEL, connect, open_scheme, shop_network
from grootboek.api.apps.office.beneficiaries import valid_bsn
from grootboek.chaincode.budgets.domain.activation import activation_digest, activation_secret
from tests.integration.api.conftest import Gateway

COLUMNS = ["path", "budgets", "seconds", "budgets_per_s", "check_s", "failed"]
WORKERS = 4
"""Letters issued at once: office.js's WORKERS."""
AMOUNT = 25_000


def beneficiaries_csv(count: int) -> str:
    """A file as a municipality's register exports it: `count` residents with new valid citizen numbers."""
    numbers: set[str] = set()
    while len(numbers) < count:
        candidate = str(secrets.randbelow(900_000_000) + 100_000_000)
        if valid_bsn(candidate):
            numbers.add(candidate)
    rows = [f"{number};Deelnemer {n};Straat {n};9711 AB;Groningen" for n, number in enumerate(sorted(numbers), 1)]
    return "bsn;naam;adres;postcode;woonplaats\n" + "\n".join(rows) + "\n"


def office_path(municipality: Gateway, scheme: str, csv: str) -> dict:
    """The dry run, then every good row's letter, WORKERS at a time."""
    officer = municipality.client("officer")
    started = time.perf_counter()
    checked = officer.post("/office/imports/check", {"scheme_id": scheme, "csv": csv})
    assert checked.status_code == 200, checked.text
    rows = checked.json()["rows"]
    assert not checked.json()["problems"], checked.json()["problems"][:3]
    check_seconds = time.perf_counter() - started
    pending = iter(rows)
    lock = threading.Lock()
    failed: list[str] = []

    def worker() -> None:
        client = municipality.client("officer")  # a connection per worker, as a browser keeps several
        while True:
            with lock:
                row = next(pending, None)
            if row is None:
                return
            issued = client.post("/v1/budgets/activation-letters", {
                "budget_id": row["budget_id"], "scheme_id": scheme, "beneficiary": row["beneficiary"]})
            if issued.status_code != 201:
                with lock:
                    failed.append(issued.text)

    with ThreadPoolExecutor(WORKERS) as pool:
        for future in [pool.submit(worker) for _ in range(WORKERS)]:
            future.result()
    seconds = time.perf_counter() - started
    return {"path": f"office: check + letters, {WORKERS} at a time", "budgets": len(rows) - len(failed),
            "seconds": seconds, "budgets_per_s": (len(rows) - len(failed)) / seconds, "check_s": check_seconds,
            "failed": len(failed)}


def direct_path(officer, scheme: str, count: int, batch: int, threads: int) -> dict:
    """The same budgets with `issue_budgets`, `batch` to a transaction."""
    prefix = secrets.token_hex(4)
    expires = (datetime.now(timezone.utc) + timedelta(days=30)).isoformat()

    def grant(n: int) -> dict:
        budget_id = f"d-{prefix}-{n}"
        return {"budget_id": budget_id, "beneficiary": f"p-{prefix}-{n}",
                "activation": {"digest": activation_digest(budget_id, activation_secret()), "expires_at": expires}}

    batches = [[grant(n) for n in range(start, min(start + batch, count))] for start in range(0, count, batch)]
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        issued = sum(len(json.loads(result)["budget_ids"]) for result in pool.map(
            lambda grants: officer.submit("Budgets:issue_budgets", [scheme, json.dumps(grants)]), batches))
    seconds = time.perf_counter() - started
    return {"path": f"client: issue_budgets, {batch} a transaction, {threads} threads", "budgets": issued,
            "seconds": seconds, "budgets_per_s": issued / seconds, "check_s": None, "failed": count - issued}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beneficiaries", type=int, default=1000, help="rows of the file, and budgets per path")
    parser.add_argument("--batch", type=int, default=100, help="budgets per issue_budgets transaction (at most 500)")
    parser.add_argument("--threads", type=int, default=WORKERS, help="issue_budgets transactions at once")
    args = parser.parse_args()
    csv = beneficiaries_csv(args.beneficiaries)
    with shop_network(0) as (network, _, _, _):
        municipality = Gateway.of(network, "Municipality")
        municipality.admin("user", "add", "officer", "--msp-dir", str(municipality.users_dir / "officer" / "msp"))
        municipality.issue_token("officer")
        with connect(network, "Municipality", "officer") as officer_gateway:
            officer = officer_gateway.network(CHANNEL).contract(CHAINCODE)
            schemes = [open_scheme(officer, name, AMOUNT) for name in ("import", "direct", "single")]
            load = [os.getloadavg()[0]]
            rows = [office_path(municipality, schemes[0], csv),
                    direct_path(officer, schemes[1], args.beneficiaries, args.batch, args.threads),
                    direct_path(officer, schemes[2], args.beneficiaries, 1, args.threads)]
            load.append(os.getloadavg()[0])
    print(report.table(rows, COLUMNS))
    office, batched, single = rows
    print(f"office path: {office['budgets_per_s'] / batched['budgets_per_s']:.0%} of the batched client's rate, "
          f"{office['budgets_per_s'] / single['budgets_per_s']:.0%} of one budget a transaction; "
          f"load average {load[0]:.1f} at the start, {load[1]:.1f} at the end")
    path = report.save("office_import", {"beneficiaries": args.beneficiaries, "batch": args.batch,
                                         "threads": args.threads, "load_average": load, "rows": rows})
    print(f"saved {path}")


if __name__ == "__main__":
    main()
