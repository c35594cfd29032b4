"""A real consortium's costs: each member on a host of its own, from zero, and what ordering by the
members costs against one orderer organisation.

Side by side in one run, each layout brought up from zero exactly as its members would (keys,
definitions exchanged and imported, genesis blocks built by the creator, channels joined, each
member's `up`, chaincodes approved by each and committed; tests/integration/network/members.py
with one network namespace per host), then saturated: closed loops of payments through the
Merchants' REST gateway (the shop's till), committed payments per second.

- orderer organisation: network/consortium.yaml, three Raft orderers on the orderer
  organisation's host;
- ordered by members: network/consortium.ordered-by-members.yaml, one consenter on each
  member's host.

Needs root (network namespaces).

    python -m bench.consortium                  # about 8 minutes
    python -m bench.consortium --seconds 60 --concurrency 48
"""
from __future__ import annotations

import argparse
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import report
from grootboek.network.config import consortium as consortium_file
from grootboek.network.nodes import binaries
from grootboek.progress import Progress
from tests.integration.api.budgets_world import Holder, open_scheme
from tests.integration.network.members import running

LAYOUTS = {
    "orderer organisation": (consortium_file.DEFAULT_FILE, None),
    "ordered by members": (consortium_file.DEFAULT_FILE.with_name("consortium.ordered-by-members.yaml"), "Registry"),
}
COLUMNS = ["layout", "bring_up_s", "payments", "errors", "seconds", "committed_per_s"]


def saturated(members, concurrency: int, seconds: float, warmup: float) -> dict:
    """Closed loops of payments of 1 cent, each loop from budgets of its own; counts the 201s
    answered inside the measured window."""
    officer = members.gateways["Municipality"].client("officer")
    till = members.gateways["Merchants"].client("fietsenwinkel")
    scheme = open_scheme(officer, till, amount_per_beneficiary=1_000_000, max_per_payment=1_000)
    holders = [Holder(officer, scheme, till) for _ in range(concurrency)]
    start = time.monotonic() + warmup
    stop = start + seconds
    counts = {"payments": 0, "errors": 0}
    lock = threading.Lock()

    def loop(holder: Holder) -> None:
        while (now := time.monotonic()) < stop:
            answer = till.post("/v1/budgets/payments", {"budget_id": holder.budget_id, "amount": 1,
                                                        "category": "bicycles", "code": holder.code()},
                               headers={"Idempotency-Key": str(uuid.uuid4())})
            if time.monotonic() > start and now < stop:
                with lock:
                    counts["payments" if answer.status_code == 201 else "errors"] += 1

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(loop, holders))
    return {**counts, "seconds": seconds, "committed_per_s": round(counts["payments"] / seconds, 1)}


def measure(layout: str, concurrency: int, seconds: float, warmup: float) -> dict:
    template, last = LAYOUTS[layout]
    with tempfile.TemporaryDirectory(prefix="grootboek-bench-") as tmp:
        began = time.monotonic()
        with running(Path(tmp), template, last) as members:
            bring_up = time.monotonic() - began
            print(f"{layout}: up from zero in {bring_up:.1f} s; saturating for {seconds:.0f} s", flush=True)
            return {"layout": layout, "bring_up_s": round(bring_up, 1),
                    **saturated(members, concurrency, seconds, warmup)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=45.0, help="measured window per layout")
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=32, help="closed loops (tills paying at once)")
    args = parser.parse_args()
    binaries.ensure(Progress())
    rows = [measure(layout, args.concurrency, args.seconds, args.warmup) for layout in LAYOUTS]
    print(report.table(rows, COLUMNS))
    print(f"\nsaved {report.save('consortium', {'concurrency': args.concurrency, 'runs': rows})}")


if __name__ == "__main__":
    main()
