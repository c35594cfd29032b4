"""Ordering by the members (network/consortium.ordered-by-members.yaml): each of the three members
runs one Raft consenter on its own host with its own orderer identity, and joins it to the
channels itself. Payments and transfers commit across the hosts; when the host of a channel's
Raft leader drops off the network, the other two elect a new leader and go on; the pause is
printed. A member moves its nodes to another installation of the Fabric binaries while the others
take payments."""
from __future__ import annotations

import json
import shutil
import threading
import time
import uuid
from pathlib import Path

import pytest

from grootboek.network.config import consortium as consortium_file
from grootboek.network.nodes import binaries
from grootboek.network.nodes.readiness import wait_for
from grootboek.progress import Progress

from ..api.budgets_world import Holder, open_scheme
from ..api.commits import synced_with
from ..api.parties import Party, designation
from .members import no_private_key_of_another, pay_and_transfer, register_parcel, running

MEMBERS_ORDER = Path(consortium_file.DEFAULT_FILE).with_name("consortium.ordered-by-members.yaml")
LATE = "Registry"  # starts its consenter last, so the Registry, whose peer kadaster needs, never leads it


@pytest.fixture(scope="module")
def consortium(tmp_path_factory):
    with running(tmp_path_factory.mktemp("ordering"), MEMBERS_ORDER, last=LATE) as members:
        yield members


def leader(members, channel: str) -> str | None:
    """The member whose consenter leads `channel` (each member reads its own orderer's metrics)."""
    for name, network in members.networks.items():
        if network.raft_leader(channel):
            return name
    return None


def test_a_payment_and_a_registry_transfer_commit_across_the_hosts(consortium):
    pay_and_transfer(consortium)


def test_no_member_holds_another_members_private_key(consortium):
    no_private_key_of_another(consortium)


def test_the_other_two_go_on_when_the_raft_leaders_host_drops_off(consortium, request):
    registrar = consortium.gateways["Registry"].client("registrar")
    owner = Party(registrar)
    led_by = wait_for(lambda: leader(consortium, "kadaster"), "a Raft leader of kadaster")
    assert led_by != LATE

    def parcel() -> bool:
        created = registrar.post("/v1/registry/parcels", {"designation": designation(), "area_m2": 100,
                                                          "owners": [{"party": owner.id, "share": "1/1"}]},
                                 timeout=30)
        return created.status_code == 201

    assert parcel()
    consortium.hosts.cut(led_by)
    cut_at = time.monotonic()
    try:
        wait_for(parcel, "a parcel registered with the leader's host cut off", timeout=240, interval=0.5)
        pause = time.monotonic() - cut_at
        after = wait_for(lambda: leader(consortium, "kadaster"), "a new Raft leader of kadaster")
    finally:
        consortium.hosts.reconnect(led_by)
    assert after not in (led_by, None)
    with request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
        print(f"\nkadaster's Raft leader ({led_by}'s consenter) cut off: the next parcel committed after "
              f"{pause:.1f} s; {after}'s consenter leads now")


def _opened(officer, till, schemes: list[str]) -> bool:
    try:
        schemes.append(open_scheme(officer, till))
    except AssertionError:
        return False
    return True


class Till(threading.Thread):
    """Pays 1 euro at a time until stopped, each payment asked again with the same Idempotency-Key
    until it is paid, as a till does; keeps what each payment took."""

    def __init__(self, members) -> None:
        super().__init__(daemon=True)
        officer = members.gateways["Municipality"].client("officer")
        self.till = members.gateways["Merchants"].client("fietsenwinkel")
        # The test before this one cut a host off the bridge: until its peer has caught up, an
        # endorsement it must give may be refused, so the scheme is asked for until it is made.
        schemes: list[str] = []
        wait_for(lambda: _opened(officer, self.till, schemes), "a scheme the Municipality's peer endorses",
                 timeout=120)
        self.holder = Holder(officer, schemes[0], self.till)
        self.officer = officer
        self.stopping = threading.Event()
        self.paid: list[float] = []  # seconds each payment took, retries included
        self.failed: list[str] = []

    def run(self) -> None:
        while not self.stopping.is_set():
            key, began = str(uuid.uuid4()), time.monotonic()
            body = {"budget_id": self.holder.budget_id, "amount": 100, "category": "bicycles",
                    "code": self.holder.code()}
            while True:
                answer = self.till.post("/v1/budgets/payments", body, headers={"Idempotency-Key": key}, timeout=60)
                if answer.status_code == 201:
                    self.paid.append(time.monotonic() - began)
                    break
                if answer.status_code not in (409, 503, 504) or time.monotonic() - began > 120:
                    self.failed.append(f"{answer.status_code} {answer.text[:200]}")
                    break


def test_a_member_upgrades_its_fabric_binaries_while_the_others_take_payments(consortium, tmp_path):
    """The Registry moves its nodes to another installation of the binaries (here a copy of the
    same release; README "Operating a member" tries a rebuilt one): its consenter and peer restart
    from it with their ledgers, and the Municipality and the Merchants take payments meanwhile."""
    release = tmp_path / "fabric-bin"
    release.mkdir()
    installed = binaries.ensure(Progress.quiet())
    for command in installed.as_dict():
        shutil.copy2(installed[command], release / command)
    before = {n["name"]: n for n in json.loads(consortium.ok("Registry", "status", "--json"))}

    till = Till(consortium)
    till.start()
    wait_for(lambda: len(till.paid) >= 3, "payments before the upgrade", timeout=120)
    during = len(till.paid)
    consortium.ok("Registry", "up", env={"FABRIC_BIN": str(release)})
    after = {n["name"]: n for n in json.loads(consortium.ok("Registry", "status", "--json"))}
    wait_for(lambda: len(till.paid) >= during + 3, "payments after the upgrade", timeout=120)
    till.stopping.set()
    till.join(timeout=180)

    for node in ("orderer1", "peer0.registry"):
        assert after[node]["pid"] != before[node]["pid"] and after[node]["running"]
        assert Path(f"/proc/{after[node]['pid']}/exe").resolve().parent == release.resolve()
        assert all(after[node]["heights"][c] >= before[node]["heights"][c] for c in before[node]["heights"])
    assert till.failed == []
    synced_with(till.officer, till.till, "kindpakket")  # the last payment committed on the Merchants' peer
    balance = till.officer.get(f"/v1/budgets/budgets/{till.holder.budget_id}/balance").json()["balance"]
    assert balance == 25_000 - 100 * len(till.paid)  # every payment once: none lost, none twice
    register_parcel(consortium.gateways["Registry"].client("registrar"))  # its upgraded peer endorses
