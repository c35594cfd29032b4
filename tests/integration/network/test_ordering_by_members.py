"""Ordering by the members (network/consortium.ordered-by-members.yaml): each of the three members
runs one Raft consenter on its own host with its own orderer identity, and joins it to the
channels itself. Payments and transfers commit across the hosts; when the host of a channel's
Raft leader drops off the network, the other two elect a new leader and go on; the pause is
printed."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from grootboek.network.config import consortium as consortium_file
from grootboek.network.nodes.readiness import wait_for

from ..api.parties import Party, designation
from .members import no_private_key_of_another, pay_and_transfer, running

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
