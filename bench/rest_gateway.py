"""REST gateway bench: a payment through the REST gateway against our Python client directly.

Side by side in one run on one network (the default consortium, started in a temporary
directory): a shop pays (`Budgets:pay`, endorsed by both organisations, ordered, committed) from
N concurrent closed loops, with our Python client in this process (`submit_with_retry`, with the
gateway's retry policy) and as HTTPS requests to the Merchants organisation's REST gateway (the
one `up` runs: `python -m grootboek.api serve`; an Idempotency-Key on every request),
alternating phases. Each loop pays from a budget of its own, so payments never conflict; every
request carries a fresh payment code signed by the budget's holder.

Target: the REST gateway reaches at least 85 % of the client's throughput at equal concurrency.

    python -m bench.rest_gateway                      # a couple of minutes after bring-up
    python -m bench.rest_gateway --duration 20 --concurrency 8,32 --rounds 3
"""
from __future__ import annotations

import argparse
import json
import queue
import secrets
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from cryptography.hazmat.primitives.asymmetric import ec

from bench import report
from bench.bringup import consortium
from bench.client import closed_loop, percentile
from grootboek.chaincode.budgets.domain.holder_codes import payment_code
from grootboek.chaincode.signing import public_key_pem
from grootboek.api.fabric.identity import fabric_id
from grootboek.api.fabric.invoker import RETRY
from grootboek.client import Contract, GatewayError, PrivateKeySigner, X509Identity, submit_with_retry
from grootboek.client.profile import connect_with_profile
from grootboek.network.admin.identities import Identities
from grootboek.network.nodes import binaries
from grootboek.network.nodes.network import Network
from grootboek.network.nodes.readiness import wait_for
from grootboek.progress import Progress
from tests.integration.api.conftest import Client, Gateway

CHANNEL, CHAINCODE = "kindpakket", "budgets"
SHOP = "bench-shop"
PATHS = ("client", "rest")
COLUMNS = ["path", "concurrency", "rounds", "payments", "tx_per_s", "p50_ms", "p95_ms", "errors"]


class Holder:
    """A budget and its holder's key; makes one payment code per payment."""

    def __init__(self, officer: Contract, scheme: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.scheme = scheme
        self.budget = f"bench-{secrets.token_hex(5)}"
        officer.submit("Budgets:issue_budget",
                       [self.budget, scheme, f"p-{self.budget}", public_key_pem(self.key)])

    def code(self) -> str:
        return payment_code(self.key, self.budget, datetime.now(timezone.utc) + timedelta(minutes=30))


def per_thread(holders: list[Holder], pay: Callable[[Holder], None]) -> Callable[[int], None]:
    """A closed-loop request that pays from one budget per thread (no two loops share a budget)."""
    spare: queue.SimpleQueue[Holder] = queue.SimpleQueue()
    for holder in holders:
        spare.put(holder)
    local = threading.local()

    def request(_: int) -> None:
        if not hasattr(local, "holder"):
            local.holder = spare.get_nowait()
        pay(local.holder)
    return request


class RestError(GatewayError):
    """A payment the REST gateway did not accept (closed_loop counts GatewayErrors as failures)."""


def connect(network: Network, org: str, user: str, msp_dir: Path | None = None):
    msp = msp_dir or network.layout.crypto(org).user_dir(user) / "msp"
    identity = X509Identity.from_msp_directory(network.consortium.organization(org).msp_id, msp)
    signer = PrivateKeySigner.from_msp_directory(msp)
    return connect_with_profile(network.layout.profile(org), identity, signer)


def open_scheme(officer: Contract, name: str, amount_per_beneficiary: int) -> str:
    """An open scheme `<name>-<random>` for bicycles, begun yesterday; its id."""
    scheme = f"{name}-{secrets.token_hex(4)}"
    now = datetime.now(timezone.utc)
    terms = {"name": name, "starts_at": (now - timedelta(days=1)).isoformat(),
             "ends_at": (now + timedelta(days=365)).isoformat(), "amount_per_beneficiary": amount_per_beneficiary,
             "categories": ["bicycles"]}
    officer.submit("Budgets:create_scheme", [scheme, json.dumps(terms)])
    officer.submit("Budgets:open_scheme", [scheme])
    return scheme


def prepare(network: Network, holders_needed: int) -> tuple[Path, list[Holder]]:
    """A scheme, the shop registered and admitted, and budgets; returns the shop's MSP dir."""
    shop_msp = network.layout.crypto("Merchants").user_dir(SHOP) / "msp"
    Identities(network.layout, "Merchants").create(SHOP, msp_dir=shop_msp)
    shop_id = fabric_id(X509Identity.from_msp_directory("MerchantsMSP", shop_msp))
    with connect(network, "Municipality", "officer") as officer_gateway, \
            connect(network, "Merchants", "registrar") as registrar_gateway:
        officer = officer_gateway.network(CHANNEL).contract(CHAINCODE)
        registrar = registrar_gateway.network(CHANNEL).contract(CHAINCODE)
        scheme = open_scheme(officer, "bench", 10**9)
        registrar.submit("Budgets:register_merchant", [SHOP, json.dumps(
            {"kvk": "12345678", "name": SHOP, "categories": ["bicycles"], "identity": shop_id})])
        # Committed on the merchants' peer; the admission is endorsed by the municipality's too.
        wait_for(lambda: _exists(officer, SHOP), "merchant registered on the municipality's peer")
        officer.submit("Budgets:admit_merchant", [scheme, SHOP])
        with ThreadPoolExecutor(16) as pool:
            holders = list(pool.map(lambda _: Holder(officer, scheme), range(holders_needed)))
    return shop_msp, holders


def _exists(contract: Contract, merchant: str) -> bool:
    try:
        return bool(contract.evaluate("Budgets:get_merchant", [merchant]))
    except GatewayError:
        return False


def till(network: Network, shop_msp: Path) -> Gateway:
    """The Merchants organisation's gateway (`up` runs it), with the shop as a till user."""
    gateway = Gateway.of(network, "Merchants")
    gateway.admin("user", "add", SHOP, "--msp-dir", str(shop_msp), "--merchant", SHOP)
    gateway.issue_token(SHOP)
    return gateway


@contextmanager
def shop_network(holders_needed: int) -> Iterator[tuple[Network, Gateway, Path, list[Holder]]]:
    """The default consortium with Raft ordering, started in a temporary directory and stopped
    after: the network, the Merchants gateway with the shop as a till user (`till`), the shop's MSP
    directory and `holders_needed` budgets (`prepare`)."""
    binaries.ensure(Progress())
    with tempfile.TemporaryDirectory(prefix="grootboek-bench-") as tmp:
        network = Network(consortium(3), Path(tmp) / "state", Progress.quiet())
        try:
            network.up()
            shop_msp, holders = prepare(network, holders_needed)
            yield network, till(network, shop_msp), shop_msp, holders
        finally:
            network.down()


def rest_payments(client: Client) -> Callable[[Holder], None]:
    """Pays a cent from a budget through the gateway as the shop; raises RestError unless 201."""
    def pay(holder: Holder) -> None:
        response = client.post("/v1/budgets/payments", {"budget_id": holder.budget, "amount": 1,
                                                      "category": "bicycles", "code": holder.code()},
                               headers={"Idempotency-Key": secrets.token_hex(16)})
        if response.status_code != 201:
            raise RestError(f"HTTP {response.status_code}: {response.text[:200]}")
    return pay


def phase(path: str, network: Network, gateway: Gateway, shop_msp: Path, holders: list[Holder],
          concurrency: int, duration: float) -> dict[str, Any]:
    if path == "client":
        with connect(network, "Merchants", SHOP, shop_msp) as shop_gateway:
            contract = shop_gateway.network(CHANNEL).contract(CHAINCODE)
            # The same retries the gateway makes (a peer a block behind makes endorsements differ).
            request = per_thread(holders, lambda h: submit_with_retry(
                contract, "Budgets:pay", [h.budget, "1", "bicycles", h.code()], policy=RETRY))
            return closed_loop(request, concurrency, duration)
    return closed_loop(per_thread(holders, rest_payments(gateway.client(SHOP))), concurrency, duration)


def summary(path: str, concurrency: int, outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    """One path's figures over all its rounds (payments over the time they took, pooled latencies)."""
    latencies = [latency for outcome in outcomes for latency in outcome["latencies_ms"]]
    elapsed = sum(outcome["elapsed_s"] for outcome in outcomes)
    errors = [outcome["first_error"] for outcome in outcomes if outcome["first_error"]]
    return {"path": path, "concurrency": concurrency, "rounds": len(outcomes), "payments": len(latencies),
            "tx_per_s": len(latencies) / elapsed, "p50_ms": percentile(latencies, 0.50),
            "p95_ms": percentile(latencies, 0.95), "errors": sum(outcome["errors"] for outcome in outcomes),
            "first_error": errors[0] if errors else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each phase")
    parser.add_argument("--concurrency", default="8,32", help="comma-separated loop counts")
    parser.add_argument("--rounds", type=int, default=2,
                        help="alternating client/REST phases per level (evens out a busy machine)")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    rows: list[dict[str, Any]] = []
    with shop_network(sum(levels) * len(PATHS) * args.rounds) as (network, gateway, shop_msp, holders):
        unused = iter(holders)
        for concurrency in levels:
            outcomes: dict[str, list[dict[str, Any]]] = {path: [] for path in PATHS}
            for _ in range(args.rounds):
                for path in PATHS:
                    own = [next(unused) for _ in range(concurrency)]  # warm-up and measurement share them
                    phase(path, network, gateway, shop_msp, own, concurrency, args.warmup)
                    outcomes[path].append(phase(path, network, gateway, shop_msp, own, concurrency,
                                                args.duration))
            rows += [summary(path, concurrency, outcomes[path]) for path in PATHS]
            print(report.table(rows[-len(PATHS):], COLUMNS), flush=True)
    ratios = {}
    for concurrency in levels:
        by_path = {row["path"]: row for row in rows if row["concurrency"] == concurrency}
        ratios[str(concurrency)] = by_path["rest"]["tx_per_s"] / by_path["client"]["tx_per_s"]
    print(report.table(rows, COLUMNS))
    for concurrency, ratio in ratios.items():
        print(f"concurrency {concurrency}: REST gateway at {ratio:.0%} of the client's throughput "
              "(target >= 85%)")
    saved = report.save("rest_gateway", {"rows": rows, "rest_to_client_throughput": ratios,
                                         "duration_s": args.duration, "rounds": args.rounds,
                                         "target": 0.85})
    print(f"saved {saved}")


if __name__ == "__main__":
    main()
