"""Budgets payments: committed payments per second at saturation, beside a trivial write.

On the default consortium (budgets on channel kindpakket, endorsed by the municipality's and the
merchants' peers; the conformance chaincode beside it, endorsed by the same two peers) with two
shops in the merchants' organisation: a scheme, both shops admitted, and three budgets for every
client thread. Each thread pays from its own budgets in turn (25 cents, a fresh payment code each
time): payments on one budget serialise by design, so no two concurrent payments share one, and a
budget's previous payment has reached both peers before its next is endorsed. The same load of
conformance State:put (a fresh key per call) through the same gateway and identities is the
baseline, so the cost of the payment logic shows; the two run in short alternating slices (ABBA…)
so both meet the same conditions on a shared machine.

Load: one client process per shop, connected once, threads split evenly, each a closed loop of
submits (endorse, order, wait for the commit) — bench/chaincode.py's load engine, so the figures
mean the same there and here: committed/s (calls that end after each slice's ramp-up), latency
p50/p95, CPU milliseconds per call by process group.

After the run every budget is read back through the municipality's peer: balance, spent and
history against the payments the clients saw committed, the scheme report's totals and each
shop's statement. The verdict says whether anything overspent or was lost.

    python -m bench.payments                                   # about 2 minutes with bring-up
    python -m bench.payments --slices 10 --seconds 15 --threads 96
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Iterator

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fabric_protos.msp import identities_pb2

from bench import report
from bench.chaincode import PutFreshKey
from bench.load import (CPU_NOTE, COLUMNS, Client, Figures, LoadClients, Sample, alternate, print_failures, spread,
                        thread_ranges)
from grootboek.chaincode.budgets.domain.holder_codes import payment_code
from grootboek.chaincode.shim import ClientIdentity
from grootboek.chaincode.signing import public_key_pem
from grootboek.client import Contract
from grootboek.network.config import consortium as consortium_file
from grootboek.network.config.consortium import Consortium
from grootboek.network.nodes import binaries
from grootboek.network.nodes.network import Network
from grootboek.progress import Progress
from tests.integration.budgets.conftest import SHOPS, with_shops
from tests.integration.conftest import with_conformance

CHANNEL, SCHEME, CATEGORY = "kindpakket", "bench-kindpakket", "bicycles"
GRANTED, AMOUNT = 25_000, 25
PAYMENT, BASELINE = "payment (budgets pay)", "baseline (State:put)"
# A submit whose outcome the client could not learn may have committed; anything else that
# failed wrote nothing (refused at endorsement, or committed as invalid).
OUTCOME_UNKNOWN = ("SubmitError", "CommitStatusError")


def payments_consortium() -> Consortium:
    """The default consortium with the conformance chaincode and two shops; no REST gateways,
    which would only compete for the machine's cores."""
    data = with_shops(with_conformance(consortium_file.load().model_dump()))
    for org in data["organizations"]:
        org["api"] = None
    return consortium_file.with_free_ports(consortium_file.parse(data))


@cache
def _holder_key(pem: str) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


@dataclass(frozen=True)
class Pay:
    """A payment from the calling thread's next budget: thread t owns budgets t·k … t·k+k-1."""

    budgets: tuple[tuple[str, str], ...]  # (budget id, the holder's private key as PEM)
    per_thread: int

    def budget(self, thread: int, n: int) -> int:
        return thread * self.per_thread + n % self.per_thread

    def __call__(self, contract: Contract, thread: int, n: int) -> None:
        budget_id, key = self.budgets[self.budget(thread, n)]
        code = payment_code(_holder_key(key), budget_id, datetime.now(timezone.utc) + timedelta(hours=1))
        contract.submit("pay", [budget_id, str(AMOUNT), CATEGORY, code])


# -- setting the scene ---------------------------------------------------------------------------


def _commit(contract: Contract, function: str, *args: object) -> int:
    submitted = contract.submit_async(function, [a if isinstance(a, str) else json.dumps(a) for a in args])
    return submitted.status().check().block_number


def _fabric_id(network: Network, org: str, user: str) -> str:
    """The user's identity as chaincode sees it (x509::subject::issuer)."""
    msp = network.layout.crypto(org).user_dir(user) / "msp"
    creator = identities_pb2.SerializedIdentity(
        mspid=network.consortium.organization(org).msp_id,
        id_bytes=next((msp / "signcerts").iterdir()).read_bytes()).SerializeToString()
    return ClientIdentity(creator).id


def prepare(network: Network, threads: int, per_thread: int) -> Pay:
    """An open scheme, both shops registered and admitted, `per_thread` budgets issued for each
    thread; returns when every peer of the channel has it all."""
    budgets = threads * per_thread
    now = datetime.now(timezone.utc)
    terms = {"name": "Kindpakket (benchmark)", "starts_at": (now - timedelta(days=1)).isoformat(),
             "ends_at": (now + timedelta(days=30)).isoformat(), "amount_per_beneficiary": GRANTED,
             "categories": [CATEGORY]}
    with network.gateway("Municipality", "officer") as municipality, \
            network.gateway("Merchants", "registrar") as merchants:
        officer = municipality.network(CHANNEL).contract("budgets")
        registrar = merchants.network(CHANNEL).contract("budgets")
        _commit(officer, "create_scheme", SCHEME, terms)
        block = _commit(officer, "open_scheme", SCHEME)
        for shop in SHOPS:
            registration = {"kvk": "12345678", "name": shop, "categories": [CATEGORY],
                            "identity": _fabric_id(network, "Merchants", shop)}
            network.wait_synced(CHANNEL, _commit(registrar, "register_merchant", shop, registration))
            block = _commit(officer, "admit_merchant", SCHEME, shop)
        keys = [ec.generate_private_key(ec.SECP256R1()) for _ in range(budgets)]
        pems = [key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()).decode() for key in keys]
        holders = tuple((f"bench-{i:05d}", pem) for i, pem in enumerate(pems))

        def issue(i: int) -> int:
            return _commit(officer, "issue_budget", holders[i][0], SCHEME, f"pseudo-{i:05d}",
                           public_key_pem(keys[i]))

        with ThreadPoolExecutor(16) as pool:
            block = max(block, *pool.map(issue, range(budgets)))
        network.wait_synced(CHANNEL, block)
    return Pay(holders, per_thread)


# -- the verdict ---------------------------------------------------------------------------------


def _pages(contract: Contract, function: str, subject: str) -> Iterator[dict]:
    bookmark = ""
    while True:
        page = json.loads(contract.evaluate(function, [subject, "100", bookmark]))
        yield page
        bookmark = page["bookmark"]
        if not bookmark:
            return


@dataclass
class Seen:
    """What the clients saw of the payments: committed and outcome-unknown, per budget and shop."""

    committed: Counter[str]
    unknown: Counter[str]
    by_shop: Counter[str]

    @classmethod
    def of(cls, pay: Pay, samples: list[Sample], clients: list[Client]) -> "Seen":
        shop_of = {thread: client.user
                   for client, threads in zip(clients, thread_ranges(clients)) for thread in threads}
        seen = cls(Counter(), Counter(), Counter())
        for sample in samples:
            budget = pay.budgets[pay.budget(sample.thread, sample.n)][0]
            if sample.error is None:
                seen.committed[budget] += 1
                seen.by_shop[shop_of[sample.thread]] += 1
            elif sample.error.startswith(OUTCOME_UNKNOWN):
                seen.unknown[budget] += 1
        return seen


def outside(what: str, found: int, low: int, high: int) -> list[str]:
    """A problem unless `found` lies within what the clients saw: [committed, committed + unknown]."""
    if low <= found <= high:
        return []
    seen = f"{low}" if low == high else f"{low} to {high}"
    return [f"{what}: {found}, clients saw {seen}"]


def budget_problems(budget_id: str, balance: dict, paid: int, committed: int, unknown: int) -> list[str]:
    """A budget's balance record and the number of payments in its history against what the
    clients saw committed on it."""
    problems = []
    if balance["granted"] != balance["balance"] + balance["spent"] + balance["returned"]:
        problems.append(f"{budget_id}: granted ≠ balance + spent + returned ({balance})")
    if balance["balance"] < 0 or balance["spent"] > balance["granted"]:
        problems.append(f"{budget_id}: overspent ({balance})")
    if balance["spent"] != paid * AMOUNT:
        problems.append(f"{budget_id}: spent {balance['spent']} for {paid} payments of {AMOUNT}")
    return problems + outside(f"{budget_id} payments in its history", paid, committed, committed + unknown)


def verify(network: Network, pay: Pay, seen: Seen) -> dict:
    """Reads every budget, the scheme report and the shops' statements back through the
    municipality's peer and compares them with what the clients saw. Exact unless some outcomes
    were unknown."""
    channel = network.consortium.channel(CHANNEL)
    heights = [network.peer_operations(p).metric("ledger_blockchain_height", channel=CHANNEL) or 0
               for p in network.layout.peers() if p.org.name in channel.organizations]
    network.wait_synced(CHANNEL, int(max(heights)) - 1)
    committed, unknown = sum(seen.committed.values()), sum(seen.unknown.values())
    problems: list[str] = []
    with network.gateway("Municipality", "officer") as municipality:
        officer = municipality.network(CHANNEL).contract("budgets")
        for budget_id, _ in pay.budgets:
            balance = json.loads(officer.evaluate("balance", [budget_id]))
            paid = sum(1 for page in _pages(officer, "history", budget_id)
                       for entry in page["items"] if entry["kind"] == "paid")
            problems += budget_problems(budget_id, balance, paid, seen.committed[budget_id],
                                        seen.unknown[budget_id])
        spent = sum(page["totals"]["spent"] for page in _pages(officer, "scheme_report", SCHEME))
        problems += outside("scheme report spent", spent, AMOUNT * committed, AMOUNT * (committed + unknown))
        for shop in SHOPS:
            lines = sum(1 for page in _pages(officer, "merchant_statement", shop)
                        for line in page["items"] if line["kind"] == "payment")
            problems += outside(f"{shop} payment lines", lines, seen.by_shop[shop],
                                seen.by_shop[shop] + unknown)
    return {"budgets": len(pay.budgets), "payments_committed": committed, "outcome_unknown": unknown,
            "scheme_spent": spent, "problems": problems,
            "verdict": "nothing overspent, nothing lost" if not problems else "FAILED"}


# -- the run -------------------------------------------------------------------------------------


def measure(network: Network, pay: Pay, args: argparse.Namespace) -> tuple[dict[str, Figures], Seen]:
    """Payments and the baseline in alternating slices, after a warm-up slice each; returns the
    figures and what the clients saw of every payment, warm-up included."""
    clients = spread([("Merchants", shop) for shop in SHOPS], args.threads)
    workloads = {PAYMENT: ("budgets", pay),
                 BASELINE: ("conformance", PutFreshKey(f"baseline-{time.monotonic_ns()}"))}
    figures = {PAYMENT: Figures(), BASELINE: Figures()}
    payments: list[Sample] = []
    turns = [(w, False) for w in workloads] + [(w, True) for w in alternate(PAYMENT, BASELINE, args.slices)]
    with LoadClients(network, clients, CHANNEL) as load:
        for workload, counted in turns:
            measured, samples = load.run(*workloads[workload], args.seconds if counted else 2.0,
                                         ramp=3.0 if counted else 0.0)
            if counted:
                figures[workload] += measured
            if workload == PAYMENT:
                payments += samples
    return figures, Seen.of(pay, payments, clients)


def print_figures(figures: dict[str, Figures], threads: int, verdict: dict) -> list[dict]:
    rows = [{"workload": workload, "threads": threads, **f.row()} for workload, f in figures.items()]
    print(report.table(rows, [c for c in COLUMNS if c != "chaincode"]))
    print(f"\n{CPU_NOTE}")
    print_failures(rows)
    share = figures[PAYMENT].per_s / figures[BASELINE].per_s
    print(f"\npayments/s as a share of the trivial write's: {share:.1%}")
    print(f"\n{verdict['verdict']}: {verdict['payments_committed']} payments committed on "
          f"{verdict['budgets']} budgets ({verdict['outcome_unknown']} with unknown outcome), "
          f"scheme report spent {verdict['scheme_spent']}")
    for problem in verdict["problems"]:
        print(f"  {problem}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slices", type=int, default=4, help="measured slices per workload")
    parser.add_argument("--seconds", type=float, default=8.0,
                        help="measured seconds per slice (after ramp-up)")
    parser.add_argument("--threads", type=int, default=64, help="client threads (concurrent payments)")
    parser.add_argument("--budgets-per-thread", type=int, default=3)
    args = parser.parse_args()
    progress = Progress()
    binaries.ensure(progress)
    with tempfile.TemporaryDirectory(prefix="grootboek-bench-") as tmp:
        network = Network(payments_consortium(), Path(tmp) / "state", progress)
        try:
            network.up()
            with progress.step(f"issuing {args.threads * args.budgets_per_thread} budgets"):
                pay = prepare(network, args.threads, args.budgets_per_thread)
            load_before = os.getloadavg()
            figures, seen = measure(network, pay, args)
            load_after = os.getloadavg()
            verdict = verify(network, pay, seen)
        finally:
            network.down()
    rows = print_figures(figures, args.threads, verdict)
    print(f"machine load average (1 min) before and after: {load_before[0]:.1f}, {load_after[0]:.1f} "
          f"on {os.cpu_count()} CPUs (other processes share the machine: compare within this run)")
    saved = report.save("payments", {"settings": vars(args), "rows": rows, "verdict": verdict,
                                     "load_average": [load_before, load_after]})
    print(f"\nsaved {saved}")


if __name__ == "__main__":
    main()
