"""The restore drill (README, "Backup and restore"), on a network of its own because it destroys a
member: the Municipality records a beneficiary's personal data (its private collection, held by
its peer alone) and payments are made; `grootboek backup` runs while everything runs; one more
payment commits after it; the Municipality's state is destroyed; `grootboek restore` puts it back,
its nodes start, its peer catches up with the channel, the personal record is back, its gateway
knows its users, its CA its identities, and payments go through it again. Then the Registry's peer
loses its ledger and joins again from a snapshot, without the blocks before it."""
from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
from contextlib import closing

import pytest

from grootboek.network.nodes.readiness import wait_for
from grootboek.network.nodes.systemd import member_processes

from grootboek.client.admin import system_chaincodes
from grootboek.network.admin.peer_admin import PeerAdmin, PeerAdminError

from ..api.budgets_world import Holder, open_scheme, register_shops
from ..api.commits import committed_on
from ..api.conftest import prepare_gateways
from ..api.parties import Party, designation, parcel_id

PERSONAL = {"name": "A. Bakker", "bsn": "123456782", "address": "Dorpsstraat 2, 9801 AB Zuidhorn"}
MEMBER = "Municipality"


@pytest.fixture(scope="module")
def member(start_network, integration_consortium):
    """The drill's network, its gateways' users and the shops registered."""
    network = start_network(integration_consortium(), "restore")
    gateways = prepare_gateways(network)
    register_shops(gateways)
    yield network, gateways
    network.down()


def pay(till, holder: Holder, amount: int) -> dict:
    """A payment, asked again with the same Idempotency-Key until it is paid (as a till does):
    right after a restart the other members' gateways may not yet reach the restarted peer."""
    body = {"budget_id": holder.budget_id, "amount": amount, "category": "bicycles", "code": holder.code()}
    key = str(uuid.uuid4())

    def paid() -> dict | None:
        answer = till.post("/v1/budgets/payments", body, headers={"Idempotency-Key": key})
        assert answer.status_code in (201, 409, 503, 504), answer.text  # paid, or not final yet
        return answer.json() if answer.status_code == 201 else None

    return wait_for(paid, f"a payment of {amount} paid", timeout=120, interval=1.0)


def height(client, channel: str = "kindpakket") -> int:
    return client.get(f"/v1/channels/{channel}/height").json()["height"]


def test_a_destroyed_member_restored_from_its_backup_catches_up_and_serves(member, cli, tmp_path):
    network, tills = member
    officer, bike = tills[MEMBER].client("officer"), tills["Merchants"].client("fietsenwinkel")
    holder = Holder(officer, open_scheme(officer, bike), bike)
    budget = f"/v1/budgets/budgets/{holder.budget_id}"
    assert officer.put(f"{budget}/personal-data", PERSONAL).status_code == 204
    pay(bike, holder, 1000)
    till = f"till-{uuid.uuid4().hex[:6]}"
    assert cli(network, "identity", "create", MEMBER, till).returncode == 0

    made = cli(network, "backup", "--org", MEMBER, "--output", str(tmp_path / "backups"))
    assert made.returncode == 0, made.stderr
    assert "copying the ledgers of peer0.municipality while it is stopped" in made.stderr  # progress
    backup = tmp_path / "backups" / made.stdout.strip()
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["organization"] == MEMBER and manifest["nodes"] == ["peer0.municipality"]
    files = manifest["files"]
    # The databases are whole SQLite copies (the online backup), without the live WAL beside them.
    for database, table in (("state/nodes/ca.municipality/fabric-ca-server.db", "users"),
                            ("state/api/Municipality/data/gateway.sqlite", "users")):
        assert database in files and not any(f.startswith(database + "-") for f in files)
        # immutable: reading it must leave the backup as it is (no WAL files beside it).
        with closing(sqlite3.connect(f"file:{backup / database}?mode=ro&immutable=1", uri=True)) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert copy.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0
    assert any(f.startswith("state/nodes/peer0.municipality/data/ledgersData/") for f in files)
    assert "state/crypto/Municipality/ca/key.pem" in files and "state/consortium.yaml" in files

    # Committed after the backup: the restored peer must fetch it from the orderers.
    late = pay(bike, holder, 2000)
    channel_height = height(bike)

    # Destroy the member's host state. Its own host would lose consortium.yaml and the genesis
    # blocks too; here the other members' nodes share this state directory, so they stay (and
    # restore checks they are the backup's).
    processes = member_processes(network, MEMBER)
    for name in processes:
        assert cli(network, "network", "stop", name).returncode == 0
    shared = {"consortium.yaml", *(p for p in manifest["paths"] if p.startswith("channels/"))}
    for relative in set(manifest["paths"]) - shared:
        path = network.layout.root / relative
        shutil.rmtree(path) if path.is_dir() else path.unlink()

    damaged = tmp_path / "damaged"
    shutil.copytree(backup, damaged)
    with open(damaged / "state/api/Municipality/data/gateway.sqlite", "r+b") as database:
        database.seek(200)
        database.write(b"\xff")
    refused = cli(network, "restore", str(damaged))
    assert refused.returncode == 1
    assert "state/api/Municipality/data/gateway.sqlite is damaged" in refused.stderr
    assert not (network.layout.root / "crypto" / MEMBER).exists()  # checked before anything was written

    restored = cli(network, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    again = cli(network, "restore", str(backup))
    assert again.returncode == 1 and "exists: restore onto a state directory without" in again.stderr
    for name in processes:
        assert cli(network, "network", "start", name).returncode == 0
    network.wait_synced("kindpakket", channel_height - 1, timeout=120)
    wait_for(lambda: officer.get("/health/ready").status_code == 200, "the Municipality's gateway ready", timeout=120)

    # Only the Municipality's peer ever held the personal record: it came back from the backup.
    # (The first reads may meet its chaincode server still starting: the answer is what counts.)
    record = wait_for(lambda: (lambda r: r.json() if r.status_code == 200 else None)(
        officer.get(f"{budget}/personal-data")), "a read of the personal record through the restored peer")
    assert record == PERSONAL
    # Its peer has the payment made after the backup, and endorses new ones.
    assert officer.get(f"/v1/channels/kindpakket/transactions/{late['id']}").status_code == 200
    paid = pay(bike, holder, 3000)
    wait_for(lambda: officer.get(f"/v1/channels/kindpakket/transactions/{paid['id']}").status_code == 200,
             "the payment committed on the Municipality's peer too")
    balance = officer.get(f"{budget}/balance", params={"holder_token": holder.token()})
    assert balance.json()["balance"] == 25_000 - 1000 - 2000 - 3000, balance.text
    # Its CA kept the identities it had enrolled: it renews the till's certificate.
    renewed = cli(network, "cert", "renew", f"{MEMBER}/{till}")
    assert renewed.returncode == 0, renewed.stderr


def test_a_peer_that_lost_its_ledger_joins_from_a_snapshot_without_the_blocks_before_it(member, cli, tmp_path):
    network, gateways = member
    registrar = gateways["Registry"].client("registrar")
    owner = Party(registrar)
    land = designation()
    before = registrar.post("/v1/registry/parcels", {"designation": land, "area_m2": 300,
                                                     "owners": [{"party": owner.id, "share": "1/1"}]})
    assert before.status_code == 201, before.text

    taken = cli(network, "snapshot", "take", "kadaster", "--peer", "peer0.registry", "--json")
    assert taken.returncode == 0, taken.stderr
    snapshot = json.loads(taken.stdout)
    assert snapshot["block"] > 1 and len(snapshot["sha256"]) == 64
    # The member ships it off the host, as to a new peer's; then this peer's disk is lost.
    shipped = tmp_path / "kadaster" / str(snapshot["block"])
    shutil.copytree(snapshot["path"], shipped)
    assert cli(network, "network", "stop", "peer0.registry").returncode == 0
    shutil.rmtree(network.layout.node_dir("peer0.registry") / "data")
    assert cli(network, "network", "start", "peer0.registry").returncode == 0

    joined = cli(network, "snapshot", "join", "kadaster", str(shipped), "--peer", "peer0.registry", "--json")
    assert joined.returncode == 0, joined.stderr
    peer = network.layout.peer("peer0.registry")
    with PeerAdmin(network.layout, peer) as admin:
        wait_for(lambda: admin.height("kadaster") > snapshot["block"], "the joined peer past the snapshot")
        with pytest.raises(PeerAdminError):  # never replayed: the blocks before the snapshot are not there
            admin.query(system_chaincodes.get_block_by_number("kadaster", 1))

    # It serves what was committed before the snapshot, and endorses new parcels (every parcel
    # key needs the Registry's peer).
    wait_for(lambda: registrar.get("/health/ready").status_code == 200, "the Registry's gateway ready", timeout=120)
    read = registrar.get(f"/v1/registry/parcels/{parcel_id(land)}")
    assert read.status_code == 200 and read.json()["ownership"]["owners"] == [{"party": owner.id, "share": "1/1"}]
    after = registrar.post("/v1/registry/parcels", {"designation": designation(), "area_m2": 300,
                                                    "owners": [{"party": owner.id, "share": "1/1"}]})
    assert after.status_code == 201, after.text
    committed_on(gateways["Municipality"].client("officer"), "kadaster", after)
