"""Operating a member, on a real network of its own (renewal restarts nodes): `grootboek cert list`
names every certificate, `cert check` warns ahead of expiry, `cert renew` renews a till at the
Fabric CA, a peer's and an orderer's certificates while the rest of the network keeps committing;
`status --check` names a stopped node; `systemd` writes units that run what the supervisor runs."""
from __future__ import annotations

import json
import re
import shlex
import ssl
import subprocess
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests
from cryptography import x509

from grootboek.client.identity import FileWallet
from grootboek.network.admin.channel_admin import ChannelAdmin
from grootboek.network.config import config_edits
from grootboek.network.nodes import gateways, supervisor
from grootboek.network.nodes.readiness import parse_metrics, wait_for


@pytest.fixture(scope="module")
def network(start_network, integration_consortium):
    network = start_network(integration_consortium(), "operating")
    yield network
    network.down()


def certificate(path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def put(network, org: str, channel: str, user: str = "admin") -> None:
    with network.gateway(org, user) as gateway:
        gateway.network(channel).contract("conformance").submit("State:put", [f"cert-{uuid.uuid4().hex[:8]}", "1"])


def test_cert_list_names_every_certificate_of_the_members(network, cli):
    listed = cli(network, "cert", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    held = {(c["owner"], c["kind"]) for c in json.loads(listed.stdout)}

    consortium, layout = network.consortium, network.layout
    expected = set()
    oorg = consortium.orderer_organization
    for org_name in [oorg.name, *(o.name for o in consortium.organizations)]:
        expected |= {(org_name, "ca"), (org_name, "tls-ca"),
                     (f"{org_name}/admin", "enrolment"), (f"{org_name}/admin", "tls")}
    expected |= {(o.name, kind) for o in oorg.orderers for kind in ("enrolment", "tls")}
    for org in consortium.organizations:
        expected |= {(f"{org.name}/{u.name}", kind) for u in org.users for kind in ("enrolment", "tls")}
        expected |= {(p.id, kind) for p in layout.peers(org) for kind in ("enrolment", "tls")}
        expected |= {(layout.ca_id(org), "tls"), (layout.api_id(org), "tls")}
    expected |= {(layout.chaincode_server_id(cc.name, org), "tls")
                 for channel in consortium.channels for cc in channel.chaincodes for org in cc.servers}
    # The CA registrar is enrolled on first use of a CA; anything else listed would be a surprise.
    assert held - {(f"{o.name}/ca-registrar", "enrolment") for o in consortium.organizations} == expected

    root = cli(network, "cert", "renew", "Municipality")
    assert root.returncode == 1 and "organisation update" in root.stderr
    unknown = cli(network, "cert", "renew", "peer9.nowhere")
    assert unknown.returncode == 1 and "no certificate belongs to 'peer9.nowhere'" in unknown.stderr


def test_status_check_names_a_stopped_node_and_is_silent_once_it_is_back(network, cli, tmp_path):
    metrics = tmp_path / "grootboek.prom"
    # The disk of a test machine is not ours to judge: --min-free 0.
    assert cli(network, "network", "stop", "peer0.merchants").returncode == 0
    try:
        checked = cli(network, "status", "--check", "--min-free", "0", "--textfile", str(metrics))
        assert checked.returncode == 1, checked.stderr
        # The Merchants' REST gateway is ready only with its peer: it is rightly named too.
        assert sorted(line.split(" (")[0] for line in checked.stdout.splitlines()) == [
            "api.merchants: running but failing its health check", "peer0.merchants: stopped"]
        samples = parse_metrics(metrics.read_text())
        assert ("grootboek_process_up", {"process": "peer0.merchants"}, 0.0) in samples
        assert ("grootboek_process_up", {"process": "peer0.municipality"}, 1.0) in samples
        assert any(name == "grootboek_certificate_expiry_timestamp_seconds" and labels["owner"] == "peer0.merchants"
                   for name, labels, _ in samples)
    finally:
        assert cli(network, "network", "start", "peer0.merchants").returncode == 0
    wait_for(lambda: cli(network, "status", "--check", "--min-free", "0").returncode == 0,
             "status --check passing once peer0.merchants is back", timeout=120)
    assert cli(network, "status", "--check", "--min-free", "0").stdout == ""


def unit_entries(text: str) -> list[tuple[str, str]]:
    return [tuple(line.split("=", 1)) for line in text.splitlines() if "=" in line]  # type: ignore[misc]


def test_systemd_units_run_what_the_supervisor_runs_and_pass_systemd_analyze(network, cli, tmp_path):
    made = cli(network, "systemd", "--org", "Municipality", "--user", "root", "--output", str(tmp_path))
    assert made.returncode == 0, made.stderr
    specs = {spec.name: spec for spec in network.process_specs()}
    layout = network.layout
    org = network.consortium.organization("Municipality")
    expected = {"peer0.municipality", layout.ca_id(org), layout.api_id(org),
                *(layout.chaincode_server_id(cc.name, org.name) for channel in network.consortium.channels
                  for cc in channel.chaincodes if org.name in cc.servers)}
    services = sorted(tmp_path.glob("*.service"))
    assert {path.name.removeprefix(f"grootboek-{network.consortium.name}-").removesuffix(".service")
            for path in services} == expected
    for path in services:
        entries = unit_entries(path.read_text())
        spec = specs[path.name.removeprefix(f"grootboek-{network.consortium.name}-").removesuffix(".service")]
        values = dict(entries)
        assert shlex.split(values["ExecStart"]) == spec.argv
        environment = dict(shlex.split(value)[0].split("=", 1) for key, value in entries if key == "Environment")
        assert environment == {supervisor.MARKER: str(layout.root), **spec.env}
        assert values["Restart"] == "on-failure" and values["User"] == "root" and values["MemoryMax"]
        assert values["LimitNOFILE"] == "65536" and values["WorkingDirectory"] == str(spec.cwd or layout.root)
    target = tmp_path / f"grootboek-{network.consortium.name}-municipality.target"
    assert set(dict(unit_entries(target.read_text()))["Wants"].split()) == {p.name for p in services}
    verified = subprocess.run(["systemd-analyze", "verify", "--man=no", *map(str, services), str(target)],
                              capture_output=True, text=True)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_till_renewed_at_the_ca_keeps_transacting_with_its_new_certificate(network, cli):
    till = f"till-{uuid.uuid4().hex[:6]}"
    created = cli(network, "identity", "create", "Municipality", till, "--attr", "role=officer")
    assert created.returncode == 0, created.stderr
    cert_file = network.layout.crypto("Municipality").user_dir(till) / "msp" / "signcerts" / "cert.pem"
    old = certificate(cert_file)

    # Enrolled at the CA for its default year: due within 400 days, not within 30.
    due = cli(network, "cert", "check", "--warn-days", "400")
    assert due.returncode == 1
    assert re.search(f"certificate enrolment of Municipality/{till} expires in 36[45] days", due.stdout)
    assert "of peer0.municipality" not in due.stdout  # our tooling's ten years are not due
    assert cli(network, "cert", "check", "--warn-days", "30").returncode == 0

    renewed = cli(network, "cert", "renew", f"Municipality/{till}")
    assert renewed.returncode == 0, renewed.stderr
    new = certificate(cert_file)
    assert new.serial_number != old.serial_number and new.public_key() != old.public_key()
    assert new.subject == old.subject and new.not_valid_before_utc >= old.not_valid_before_utc
    with network.gateway("Municipality", till) as gateway:
        contract = gateway.network("kindpakket").contract("conformance")
        assert contract.evaluate("Tx:assert_attribute", ["role", "officer"]) == b"ok"  # the CA kept it
        contract.submit("State:put", [f"{till}-after-renewal", "1"])  # signed with the new key


def test_a_gateway_user_renewed_at_the_ca_keeps_writing_through_the_gateway(network, cli):
    officer = f"officer-{uuid.uuid4().hex[:6]}"
    enrolled = cli(network, "api", "user", "enroll", "--org", "Municipality", officer, "--attr", "role=officer")
    assert enrolled.returncode == 0, enrolled.stderr
    token = cli(network, "api", "token", "issue", "--org", "Municipality", officer).stdout.strip()
    owner = f"api.municipality/{officer}"

    def listed() -> dict:
        return next(c for c in json.loads(cli(network, "cert", "list", "--json").stdout) if c["owner"] == owner)

    wallet = FileWallet(gateways.api_dir(network.layout, network.consortium.organization("Municipality"))
                        / "data" / "wallet")
    old_certificate = wallet.get(officer).certificate
    before = listed()
    # The CA's signing expiry (network/config/ca.py) is 8760 h: a year, less the seconds since.
    assert before["issuer"] == "fabric-ca" and before["days_left"] in (364, 365)
    refused = cli(network, "cert", "renew", owner)
    assert refused.returncode == 1 and f"grootboek api user renew --org Municipality {officer}" in refused.stderr
    renewed = cli(network, "api", "user", "renew", "--org", "Municipality", officer)
    assert renewed.returncode == 0, renewed.stderr
    assert listed()["not_after"] >= before["not_after"]
    assert wallet.get(officer).certificate != old_certificate

    org = network.consortium.organization("Municipality")
    now = datetime.now(timezone.utc)
    terms = {"name": "Kindpakket (renewal)", "starts_at": (now - timedelta(days=1)).isoformat(),
             "ends_at": (now + timedelta(days=30)).isoformat(), "amount_per_beneficiary": 10_000,
             "categories": ["bicycles"]}
    created = requests.post(f"{network.gateway_url(org)}/v1/budgets/schemes", timeout=90,
                            json={"id": f"renewed-{officer}", "terms": terms},
                            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
                            verify=str(gateways.api_tls_dir(network.layout, org) / "ca.crt"))
    assert created.status_code == 201, created.text  # the same token, now acting with the new certificate


def test_a_peer_renews_its_certificates_while_the_others_keep_committing(network, cli, traffic):
    peer = network.layout.peer("peer0.registry")
    tls_file = network.layout.crypto("Registry").node_dir(peer.host) / "tls" / "server.crt"
    old = certificate(tls_file)

    # kindpakket has no Registry peer: its payments must not notice the restart.
    with traffic(network, "Municipality", "kindpakket") as running:
        renewed = cli(network, "cert", "renew", "peer0.registry")
        before = running.committed
        wait_for(lambda: running.committed > before, "kindpakket still committing after the renewal")
    assert renewed.returncode == 0, renewed.stderr
    assert running.failures == []

    new = certificate(tls_file)
    assert new.serial_number != old.serial_number
    host, port = peer.address.rsplit(":", 1)
    served = x509.load_pem_x509_certificate(ssl.get_server_certificate((host, int(port))).encode())
    assert served == new
    # Endorsed by both peers of kadaster, through the renewed one (a busy machine may time out a try).
    wait_for(lambda: put(network, "Registry", "kadaster") is None, "a commit on kadaster through peer0.registry",
             interval=1.0)


def test_an_orderer_renews_its_tls_certificate_and_stays_in_the_raft_cluster(network, cli):
    renewed = cli(network, "cert", "renew", "orderer1")
    assert renewed.returncode == 0, renewed.stderr
    oorg = network.consortium.orderer_organization
    tls_file = network.layout.crypto(oorg.name).node_dir(network.layout.orderer_host("orderer1")) / "tls" / "server.crt"
    new_pem = tls_file.read_bytes()
    for channel in ("kindpakket", "kadaster"):
        consenters = config_edits.consenters(ChannelAdmin(network).config(channel))
        assert sum(c.client_tls_cert == new_pem for c in consenters) == 1

    # With orderer2 stopped, nothing orders without orderer1: it must be a Raft member with its new certificate.
    stopped = cli(network, "network", "stop", "orderer2")
    assert stopped.returncode == 0, stopped.stderr
    try:
        wait_for(lambda: network.raft_leader("kindpakket") in ("orderer0", "orderer1"),
                 "a Raft leader among orderer0 and orderer1")
        # A submit may meet the election that follows orderer2's departure: the commit is the signal.
        wait_for(lambda: put(network, "Municipality", "kindpakket") is None, "a commit ordered by orderer0 and orderer1",
                 interval=1.0)
    finally:
        assert cli(network, "network", "start", "orderer2").returncode == 0
