"""Fault bench: payments through a REST gateway while its network's processes are killed, in turn.

On one network (the default consortium with Raft ordering, started in a temporary directory), 8
tills pay through the Merchants gateway, each from a budget of its own, each payment with a fresh
code and Idempotency-Key that the till repeats, as a till should, until the answer is final: after
no answer, or one whose action in the gateway's error table is "retry" or "repeat with the same
key" (OUTCOME_UNKNOWN, IDEMPOTENCY_KEY_IN_USE, every 503, ENDORSEMENT_FAILED, ...), it asks again.
Under that load one process at a time is killed with kill -9 — a follower orderer, the Raft
leader, the gateway's peer, the Merchants' budgets chaincode server, the gateway itself — and the
supervisor restarts it; finally every process of the network at once, the supervisor too, and
`grootboek up` starts it again from the kept ledgers. Then every till's view is reconciled against
the ledger (the budgets' histories and each payment's code nonce):

    acknowledged   payments answered 201
    on_ledger      payments on the ledger
    lost           acknowledged but not on the ledger
    duplicated     on the ledger more than once for one code (one key)
    charged_failed on the ledger while the till was told it failed (or never got an answer)
    final_within   seconds from the repair (the process back; after everything, `up` done and
                   the gateway ready) until every payment begun before it had a final answer;
                   target <= 30 s

    python -m bench.faults
    python -m bench.faults --faults gateway,raft-leader --before 5 --after 10
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import requests
from fabric_protos.common import ledger_pb2

from bench import report
from bench.rest_gateway import CHAINCODE, CHANNEL, SHOP, Holder, connect, shop_network
from grootboek.api.errors.catalog import TABLES, Action
from grootboek.chaincode.budgets.domain.holder_codes import payment_code
from grootboek.network.nodes import supervisor
from grootboek.network.nodes.network import Network
from grootboek.network.nodes.readiness import wait_for
from tests.integration.api.conftest import Client

FAULTS = ("orderer", "raft-leader", "peer", "chaincode-server", "gateway", "everything")
COLUMNS = ["fault", "payments", "acknowledged", "on_ledger", "lost", "duplicated", "charged_failed",
           "unanswered", "final_within_s", "final_errors", "transient"]
REPEAT = {(entry.status, entry.code) for entries in TABLES.values() for entry in entries
          if entry.action in (Action.RETRY, Action.ASK_LEDGER)}
"""Answers after which a till asks again with the same key, as the error table says; anything else
is final."""


@dataclass
class Payment:
    """One payment as its till saw it: one key, one code (its nonce), repeated until final."""

    key: str
    nonce: str
    started: float
    answered: float | None = None
    status: int | None = None
    code: str | None = None
    transaction_id: str | None = None
    transient: Counter[str] = field(default_factory=Counter)


class Till(threading.Thread):
    """Pays from one budget until `stopping` is set, finishing the payment in hand (until `give_up`)."""

    def __init__(self, client: Client, holder: Holder, stopping: threading.Event, give_up: Callable[[], float]):
        super().__init__(daemon=True)
        self.client, self.holder, self.stopping, self.give_up = client, holder, stopping, give_up
        self.payments: list[Payment] = []

    def run(self) -> None:
        while not self.stopping.is_set():
            self.payments.append(self._pay())

    def _pay(self) -> Payment:
        payment = Payment(str(uuid.uuid4()), secrets.token_urlsafe(16), time.time())
        code = payment_code(self.holder.key, self.holder.budget, datetime.now(timezone.utc) + timedelta(minutes=30),
                            nonce=payment.nonce)
        body = {"budget_id": self.holder.budget, "amount": 1, "category": "bicycles", "code": code}
        while time.time() < self.give_up():
            try:
                answer = self.client.post("/v1/budgets/payments", body, headers={"Idempotency-Key": payment.key},
                                          timeout=120)
            except requests.RequestException as error:  # the gateway is down or restarting
                payment.transient[type(error).__name__] += 1
                time.sleep(0.5)
                continue
            error_code = answer.json().get("code") if answer.status_code >= 400 else None
            if (answer.status_code, error_code) not in REPEAT:
                payment.answered, payment.status, payment.code = time.time(), answer.status_code, error_code
                payment.transaction_id = (answer.headers.get("X-Transaction-Id")
                                          or answer.json().get("transaction_id"))
                return payment
            payment.transient[f"{answer.status_code} {error_code}"] += 1
            time.sleep(float(answer.headers.get("Retry-After", "0.5")))  # as a till would
        return payment


def _process(network: Network, name: str) -> dict[str, Any]:
    return next(p for p in supervisor.request(network.run_dir, {"cmd": "status"})["processes"] if p["name"] == name)


def target(network: Network, fault: str) -> str:
    """The process name a fault kills."""
    merchants = network.consortium.organization("Merchants")
    if fault == "raft-leader":
        return wait_for(lambda: network.raft_leader(CHANNEL), "a Raft leader")
    if fault == "orderer":
        leader = wait_for(lambda: network.raft_leader(CHANNEL), "a Raft leader")
        return next(o.name for o in network.consortium.orderers if o.name != leader)
    if fault == "peer":
        return network.layout.peers(merchants)[0].id
    if fault == "chaincode-server":
        return network.layout.chaincode_server_id(CHAINCODE, "Merchants")
    if fault == "gateway":
        return network.layout.api_id(merchants)
    raise ValueError(f"unknown fault {fault!r}; choose from {', '.join(FAULTS)}")


def kill_and_wait_for_repair(network: Network, name: str, gateway_url: str, ca_file: Path) -> float:
    """kill -9 `name`; returns when the supervisor has it running again (and healthy, where the
    node says)."""
    killed = _process(network, name)["pid"]
    os.kill(killed, signal.SIGKILL)

    def back() -> bool:
        process = _process(network, name)
        if not process["running"] or process["pid"] in (None, killed):
            return False
        node = next((n for n in network.status() if n.name == name), None)
        return node is None or node.healthy is not False
    wait_for(back, f"{name} restarted", timeout=180, interval=0.5)
    wait_for(lambda: _ready(gateway_url, ca_file), "the gateway ready", timeout=120, interval=0.1)
    return time.time()


def kill_everything_and_up(network: Network, gateway_url: str, ca_file: Path) -> float:
    """kill -9 every process of the network (the supervisor, orderers, peers, CAs, chaincode
    servers, gateways), then `grootboek up` as an operator would; returns when the gateway is ready."""
    for pid in supervisor.marked_processes(network.layout.root):
        os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not supervisor.marked_processes(network.layout.root), "every process gone",
             timeout=30, interval=0.1)
    subprocess.run([sys.executable, "-m", "grootboek", "--consortium", str(network.layout.consortium_file),
                    "--state-dir", str(network.layout.root), "up"], check=True, stdout=subprocess.DEVNULL)
    wait_for(lambda: _ready(gateway_url, ca_file), "the gateway ready", timeout=120, interval=0.1)
    return time.time()


def _ready(url: str, ca_file: Path) -> bool:
    try:
        return requests.get(url + "/health/ready", verify=str(ca_file), timeout=2).status_code == 200
    except requests.RequestException:
        return False


def ledger_payments(network: Network, shop_msp: Path, holders: list[Holder]) -> dict[str, str]:
    """Every payment on the ledger from these budgets: payment id → its code's nonce (read as the
    shop, on the Merchants' peer, once every peer has what that peer has)."""
    with connect(network, "Merchants", SHOP, shop_msp) as shop_gateway, \
            connect(network, "Municipality", "officer") as officer_gateway:
        qscc = shop_gateway.network(CHANNEL).contract("qscc")
        height = ledger_pb2.BlockchainInfo.FromString(qscc.evaluate("GetChainInfo", [CHANNEL])).height
        network.wait_synced(CHANNEL, height - 1)
        officer = officer_gateway.network(CHANNEL).contract(CHAINCODE)
        shop = shop_gateway.network(CHANNEL).contract(CHAINCODE)
        paid: dict[str, str] = {}
        for holder in holders:
            bookmark = ""
            while True:
                page = json.loads(officer.evaluate("Budgets:history", [holder.budget, "100", bookmark]))
                for entry in page["items"]:
                    if entry["kind"] == "paid":
                        paid[entry["payment_id"]] = json.loads(
                            shop.evaluate("Budgets:get_payment", [entry["payment_id"]]))["nonce"]
                bookmark = page["bookmark"]
                if not bookmark or not page["items"]:
                    break
    return paid


def reconcile(fault: str, payments: list[Payment], on_ledger: dict[str, str], repaired: float) -> dict[str, Any]:
    acknowledged = [p for p in payments if p.status == 201]
    nonces = Counter(on_ledger.values())
    told_failed = [p for p in payments if p.status != 201]
    before_repair = [p for p in payments if p.started < repaired]
    if any(p.answered is None for p in before_repair):
        final_within = None  # some never got a final answer
    else:
        final_within = max([0.0, *(p.answered - repaired for p in before_repair)])
    transient = sum((p.transient for p in payments), Counter())
    return {
        "fault": fault, "payments": len(payments), "acknowledged": len(acknowledged), "on_ledger": len(on_ledger),
        "lost": sum(1 for p in acknowledged if p.transaction_id not in on_ledger),
        "duplicated": sum(count - 1 for count in nonces.values() if count > 1),
        "charged_failed": sum(1 for p in told_failed if p.nonce in nonces),
        "unanswered": sum(1 for p in payments if p.answered is None),
        "final_within_s": final_within,
        "final_errors": " ".join(f"{code}:{n}" for code, n in Counter(
            p.code for p in told_failed if p.answered is not None).most_common()) or "-",
        "transient": " ".join(f"{what}:{n}" for what, n in transient.most_common(4)) or "-",
    }


def run_fault(fault: str, network: Network, gateway, shop_msp: Path, holders: list[Holder],
              args: argparse.Namespace) -> dict[str, Any]:
    stopping = threading.Event()
    deadline = [float("inf")]
    tills = [Till(gateway.client(SHOP), holder, stopping, lambda: deadline[0]) for holder in holders]
    for till_thread in tills:
        till_thread.start()
    time.sleep(args.before)  # load before the fault (a bench's schedule, not a synchronisation)
    if fault == "everything":
        repaired = kill_everything_and_up(network, gateway.base_url, gateway.ca_file)
    else:
        repaired = kill_and_wait_for_repair(network, target(network, fault), gateway.base_url, gateway.ca_file)
    time.sleep(args.after)
    stopping.set()
    deadline[0] = repaired + args.give_up
    for till_thread in tills:
        till_thread.join()
    payments = [p for till_thread in tills for p in till_thread.payments]
    # A connection may still fail right after a repair on a crowded machine: read until it answers.
    on_ledger, = wait_for(lambda: (ledger_payments(network, shop_msp, holders),), "the ledger's payments",
                          timeout=120, interval=1)
    return reconcile(fault, payments, on_ledger, repaired)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faults", default=",".join(FAULTS), help=f"comma-separated, from {', '.join(FAULTS)}")
    parser.add_argument("--tills", type=int, default=8)
    parser.add_argument("--before", type=float, default=5.0, help="seconds of load before each kill")
    parser.add_argument("--after", type=float, default=10.0, help="seconds of load after each repair")
    parser.add_argument("--give-up", type=float, default=180.0,
                        help="seconds after a repair after which a till stops repeating")
    args = parser.parse_args()
    faults = args.faults.split(",")
    rows = []
    with shop_network(args.tills * len(faults)) as (network, gateway, shop_msp, holders):
        for index, fault in enumerate(faults):
            mine = holders[index * args.tills:(index + 1) * args.tills]
            rows.append(run_fault(fault, network, gateway, shop_msp, mine, args))
            print(report.table(rows[-1:], COLUMNS), flush=True)
    print(report.table(rows, COLUMNS))
    print("targets: lost 0, duplicated 0, charged_failed 0, unanswered 0, final_within_s <= 30")
    saved = report.save("faults", {"rows": rows, "tills": args.tills, "before_s": args.before,
                                   "after_s": args.after, "target_final_within_s": 30})
    print(f"saved {saved}")


if __name__ == "__main__":
    main()
