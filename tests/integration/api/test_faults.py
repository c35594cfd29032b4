"""Issue 19: every payment ends paid, refused or cancelled, whatever crashes. A till repeats its
request with the same Idempotency-Key until it gets a final answer, as a till should; the faults are
real (all orderers stopped, the Raft leader and the gateway killed with kill -9 while they hold a
payment, a user revoked), so these tests run on a network of their own. A payment unknown for
longer than the fence bound is settled by its fence (its code cancelled), and a later copy of it is
invalidated on the ledger.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from grootboek.api.__main__ import main as api_main
from grootboek.api.fabric.writes import FENCE_AFTER_SECONDS
from grootboek.api.store.database import FILE_NAME
from grootboek.client import RetryPolicy, settle
from grootboek.network.admin.revocation import revoke_user
from grootboek.network.nodes import gateways as network_gateways
from grootboek.network.nodes import supervisor
from grootboek.network.nodes.readiness import wait_for

from .budgets_world import Holder, open_scheme, register_shops
from .commits import committed_on
from .conftest import prepare_gateways

# Answers after which a till must ask again: the outcome is not known yet, or the gateway is busy.
NOT_FINAL = {409: {"OUTCOME_UNKNOWN", "IDEMPOTENCY_KEY_IN_USE"}, 503: None, 504: {"OUTCOME_UNKNOWN"}}


@pytest.fixture(scope="module")
def network(start_network, integration_consortium):
    network = start_network(integration_consortium(), "faults")
    yield network
    network.down()


@pytest.fixture(scope="module")
def tills(network):
    gateways = prepare_gateways(network)
    register_shops(gateways)
    return gateways


def _processes(network) -> dict[str, dict]:
    return {p["name"]: p for p in supervisor.request(network.run_dir, {"cmd": "status"})["processes"]}


def _orderers(network) -> list[str]:
    return [o.name for o in network.consortium.orderer_organization.orderers]


def _every_orderer(network, command: str) -> None:
    for orderer in _orderers(network):
        supervisor.request(network.run_dir, {"cmd": command, "name": orderer})


def _a_payment(tills):
    """The officer, the bike shop's till, a new budget's holder, a fresh key and a payment's body."""
    officer, bike = tills["Municipality"].client("officer"), tills["Merchants"].client("fietsenwinkel")
    holder = Holder(officer, open_scheme(officer, bike), bike)
    return officer, bike, holder, str(uuid.uuid4()), _payment(holder)


def _database(network, org: str):
    path = network_gateways.api_dir(network.layout, network.consortium.organization(org)) / "data" / FILE_NAME
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _held_with_envelope(network, key: str) -> str | None:
    """The transaction id of the payment under `key`, once the gateway holds it signed (pending)."""
    with _database(network, "Merchants") as db:
        row = db.execute("SELECT transaction_id FROM idempotency WHERE key = ? AND state = 'pending'"
                         " AND envelope IS NOT NULL", (key,)).fetchone()
    return row[0] if row else None


def _final(response: requests.Response) -> bool:
    codes = NOT_FINAL.get(response.status_code, ())
    return codes is not None and (codes == () or response.json().get("code") not in codes)


def pay_until_final(till, body: dict, key: str, timeout: float = 120) -> requests.Response:
    """A till's loop: the same request, the same key, until the answer is final."""
    def attempt() -> tuple[requests.Response] | None:  # (a Response is falsy when it is an error)
        try:
            response = till.post("/v1/budgets/payments", body, headers={"Idempotency-Key": key})
        except requests.ConnectionError:  # the gateway is down or restarting
            return None
        return (response,) if _final(response) else None

    return wait_for(attempt, f"a final answer for {key}", timeout=timeout, interval=0.5)[0]


def _payment(holder: Holder, amount: int = 1000) -> dict:
    return {"budget_id": holder.budget_id, "amount": amount, "category": "bicycles", "code": holder.code()}


def test_a_payment_every_orderer_refused_whose_gateway_was_killed_is_paid_once_they_are_back(network, tills):
    officer, bike, holder, key, body = _a_payment(tills)
    _every_orderer(network, "stop")
    first: list = []

    def first_try() -> None:
        try:
            first.append(bike.post("/v1/budgets/payments", body, headers={"Idempotency-Key": key}))
        except requests.ConnectionError as lost:
            first.append(lost)
    in_flight = threading.Thread(target=first_try)
    in_flight.start()
    # The gateway has signed the payment and keeps re-sending it to orderers that are down.
    transaction_id = wait_for(lambda: _held_with_envelope(network, key), "the payment held, signed", timeout=60)
    gateway = network.layout.api_id(network.consortium.organization("Merchants"))
    killed = _processes(network)[gateway]["pid"]
    os.kill(killed, signal.SIGKILL)
    in_flight.join()
    assert isinstance(first[0], requests.ConnectionError)  # the till never heard an answer
    _every_orderer(network, "start")

    answer = pay_until_final(bike, body, key)
    assert answer.status_code == 201, answer.text
    assert answer.headers["X-Transaction-Id"] == transaction_id  # the same transaction, re-sent
    assert _processes(network)[gateway]["pid"] != killed
    again = bike.post("/v1/budgets/payments", body, headers={"Idempotency-Key": key})
    assert (again.status_code, again.headers["Idempotent-Replayed"]) == (201, "true")
    assert _balance(officer, holder, answer) == 24_000  # charged once


def _balance(officer, holder: Holder, paid: requests.Response) -> int:
    committed_on(officer, "kindpakket", paid)  # paid through the merchants' peer
    return officer.get(f"/v1/budgets/budgets/{holder.budget_id}/balance").json()["balance"]


def test_payments_in_flight_when_the_raft_leader_is_killed_all_end_paid_once(network, tills):
    officer, bike = tills["Municipality"].client("officer"), tills["Merchants"].client("fietsenwinkel")
    scheme = open_scheme(officer, bike)
    holders = [Holder(officer, scheme, bike) for _ in range(6)]
    keys = {holder.budget_id: [str(uuid.uuid4()) for _ in range(3)] for holder in holders}
    leader = network.raft_leader("kindpakket")
    killed: list[str] = []

    def in_flight() -> str | None:
        return next(filter(None, (_held_with_envelope(network, k) for ks in keys.values() for k in ks)), None)

    def kill_the_leader_with_a_payment_in_flight() -> None:
        transaction_id = wait_for(in_flight, "a payment signed and sent", timeout=120, interval=0.01)
        os.kill(_processes(network)[leader]["pid"], signal.SIGKILL)  # the supervisor restarts it
        killed.append(transaction_id)

    def till(holder: Holder) -> list[requests.Response]:
        return [pay_until_final(bike, _payment(holder), key) for key in keys[holder.budget_id]]

    killer = threading.Thread(target=kill_the_leader_with_a_payment_in_flight)
    killer.start()
    with ThreadPoolExecutor(len(holders)) as pool:
        answers = list(pool.map(till, holders))
    killer.join()
    assert killed, "the leader was killed while a payment was in flight"
    assert [[a.status_code for a in mine] for mine in answers] == [[201] * 3] * len(holders), \
        [a.text for mine in answers for a in mine]
    for holder, mine in zip(holders, answers):
        assert _balance(officer, holder, mine[-1]) == 22_000  # three payments, none lost or doubled


def test_a_revoked_identity_is_told_so_with_403(network, tills):
    merchants = tills["Merchants"]
    merchants.admin("user", "enroll", "revoked-till", "--merchant", "sportwinkel")
    merchants.issue_token("revoked-till")
    till = merchants.client("revoked-till")
    before = till.get("/v1/budgets/payments/p-none")
    assert before.status_code == 404, before.text  # the peer accepts the identity
    revoke_user(network, "Merchants", "revoked-till")

    def refused() -> dict | None:  # (a Response is falsy when it is an error)
        answer = till.get("/v1/budgets/payments/p-none")
        return {"status": answer.status_code, **answer.json()} if answer.status_code == 403 else None
    answer = wait_for(refused, "the peer refusing the revoked certificate", timeout=60)
    assert (answer["status"], answer["code"]) == (403, "CERTIFICATE_REVOKED"), answer
    assert "revoked by MerchantsMSP's revocation list" in answer["message"]


def test_a_lost_database_is_refused_at_start_and_the_documented_restore_brings_it_back(network, tills, tmp_path):
    merchants = tills["Merchants"]
    backup = tmp_path / "merchants.sqlite"
    assert api_main(["backup", "--config", str(merchants.config_path), "--to", str(backup)]) == 0
    gateway = network.layout.api_id(network.consortium.organization("Merchants"))
    data = network_gateways.api_dir(network.layout, network.consortium.organization("Merchants")) / "data"
    (data / FILE_NAME).write_bytes(b"")  # lost under the running gateway
    os.kill(_processes(network)[gateway]["pid"], signal.SIGKILL)

    def refused() -> str | None:
        node = next(n for n in network.status() if n.name == gateway)
        return node.last_error if node.last_error and "is empty" in node.last_error else None
    reason = wait_for(refused, "the restarted gateway refusing the empty database", timeout=60)
    assert "this data directory had a database" in reason and "restore it from a backup" in reason

    supervisor.request(network.run_dir, {"cmd": "stop", "name": gateway})
    for leftover in (data / f"{FILE_NAME}-wal", data / f"{FILE_NAME}-shm"):
        leftover.unlink(missing_ok=True)
    (data / FILE_NAME).write_bytes(backup.read_bytes())
    supervisor.request(network.run_dir, {"cmd": "start", "name": gateway})
    me = wait_for(lambda: _answer(merchants.client("fietsenwinkel"), "/v1/me"), "the restored gateway", timeout=60)
    assert me["name"] == "fietsenwinkel"  # its users are back


def _answer(client, path: str) -> dict | None:
    try:
        response = client.get(path)
    except requests.ConnectionError:
        return None
    return response.json() if response.status_code == 200 else None


def _record(network, key: str) -> sqlite3.Row | None:
    with _database(network, "Merchants") as db:
        db.row_factory = sqlite3.Row
        return db.execute("SELECT * FROM idempotency WHERE key = ?", (key,)).fetchone()


def _broadcast(network, envelope: bytes) -> str:
    """Sends a signed transaction as a stranger would (through the Merchants' peer) and answers its
    validation code once committed."""
    with network.gateway("Merchants") as gateway:
        return settle(gateway.new_transaction(envelope), RetryPolicy(status_queries=5)).code_name


def test_a_payment_the_orderers_never_got_is_cancelled_by_its_fence_and_a_late_copy_is_invalid(network, tills):
    officer, bike, holder, key, body = _a_payment(tills)
    _every_orderer(network, "stop")

    def fence_sent() -> sqlite3.Row | None:  # the till repeats; past the bound the gateway fences
        answer = bike.post("/v1/budgets/payments", body, headers={"Idempotency-Key": key})
        assert answer.status_code in (409, 504) and answer.json()["code"] == "OUTCOME_UNKNOWN", answer.text
        record = _record(network, key)
        return record if record["fence_id"] else None
    withheld = wait_for(fence_sent, "the gateway sending the payment's fence", timeout=180, interval=0.5)
    assert withheld["envelope"] and withheld["fence_id"] != withheld["transaction_id"]
    _every_orderer(network, "start")

    answer = pay_until_final(bike, body, key, timeout=60)
    assert (answer.status_code, answer.json()["code"]) == (409, "PAYMENT_CANCELLED"), answer.text
    assert answer.json()["transaction_id"] == withheld["transaction_id"]
    assert _broadcast(network, withheld["envelope"]) == "MVCC_READ_CONFLICT"  # the fence holds for good
    again = bike.post("/v1/budgets/payments", body, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert (again.status_code, again.json()["code"]) == (409, "CODE_REPLAYED"), again.text
    assert "cancelled" in again.json()["message"]
    assert officer.get(f"/v1/budgets/budgets/{holder.budget_id}/balance").json()["balance"] == 25_000


def test_a_payment_that_committed_while_its_gateway_lost_track_is_paid_not_fenced(network, tills):
    officer, bike, holder, key, body = _a_payment(tills)
    gateway = network.layout.api_id(network.consortium.organization("Merchants"))
    frozen = _processes(network)[gateway]["pid"]
    _every_orderer(network, "stop")  # so the gateway holds the payment signed, not yet ordered
    in_flight = threading.Thread(target=_post_ignoring_the_answer, args=(bike, body, key))
    in_flight.start()
    wait_for(lambda: _held_with_envelope(network, key), "the payment held, signed", timeout=60)
    os.kill(frozen, signal.SIGSTOP)  # the gateway loses track: it never hears of the commit
    try:
        record = _record(network, key)
        _every_orderer(network, "start")
        assert _broadcast(network, record["envelope"]) == "VALID"  # the payment commits meanwhile
        # Past the fence bound, so a repeat that did not ask the ledger first would cancel it.
        wait_for(lambda: time.time() > record["created_at"] + FENCE_AFTER_SECONDS, "the fence bound", timeout=60)
    finally:
        os.kill(frozen, signal.SIGKILL)  # the supervisor restarts it
    in_flight.join()

    answer = pay_until_final(bike, body, key)
    assert answer.status_code == 201, answer.text
    assert answer.headers["X-Transaction-Id"] == record["transaction_id"]
    assert _record(network, key)["fence_id"] is None  # settled from the ledger: no fence was needed
    assert _balance(officer, holder, answer) == 24_000


def _post_ignoring_the_answer(till, body: dict, key: str) -> None:
    try:
        till.post("/v1/budgets/payments", body, headers={"Idempotency-Key": key})
    except requests.ConnectionError:  # killed before it answered
        pass
