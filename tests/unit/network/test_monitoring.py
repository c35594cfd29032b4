"""The monitoring of a member's nodes without a network: the Prometheus alert rules pass promtool's
checks and their own unit tests, the textfile holds every metric the rules read, and the
health check turns node, height, certificate and disk states into one line per problem."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from cryptography import x509

from grootboek.network.admin.certificates import HeldCertificate
from grootboek.network.config import consortium as consortium_file
from grootboek.network.config.crypto import OrgCrypto
from grootboek.network.monitoring import health, textfile
from grootboek.network.monitoring.health import Disk, Thresholds, problems_of
from grootboek.network.nodes.network import Network, NodeStatus
from grootboek.network.nodes.readiness import parse_metrics

ROOT = Path(__file__).resolve().parents[3]
RULES = ROOT / "network" / "monitoring" / "alerts.yml"
RULE_TESTS = Path(__file__).with_name("alerts_test.yml")
PROMTOOL = "/usr/bin/promtool"  # Debian's prometheus package; `make test` installs it


def test_alert_rules_pass_promtool_check_and_their_unit_tests():
    checked = subprocess.run([PROMTOOL, "check", "rules", str(RULES)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 9 rules found" in checked.stdout
    tested = subprocess.run([PROMTOOL, "test", "rules", str(RULE_TESTS)], capture_output=True, text=True)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    # Every rule has a test that makes it fire.
    alerts = {rule["alert"] for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]}
    fired = {case["alertname"] for test in yaml.safe_load(RULE_TESTS.read_text())["tests"]
             for case in test["alert_rule_test"] if case["exp_alerts"]}
    assert fired == alerts


def test_the_textfile_holds_every_grootboek_metric_the_rules_read(tmp_path):
    crypto = OrgCrypto(tmp_path / "Municipality", "gemeente.grootboek.nl")
    crypto.create()
    cert_path = crypto.add_node("peer0.gemeente.grootboek.nl", "peer", "127.0.0.1") / "tls" / "server.crt"
    held = HeldCertificate("peer0.municipality", "tls", "Municipality", cert_path, None, certificate(cert_path))
    text = textfile.render([held], {"peer0.municipality": {"running": True, "restarts": 2},
                                    'odd"name': {"running": False, "restarts": 0}},
                           Disk(tmp_path, 250, 1000))
    samples = {(name, tuple(sorted(labels.items()))): value for name, labels, value in parse_metrics(text)}
    assert samples[("grootboek_certificate_expiry_timestamp_seconds",
                    (("kind", "tls"), ("org", "Municipality"), ("owner", "peer0.municipality")))] \
        == pytest.approx(held.not_after.timestamp(), abs=1)
    assert samples[("grootboek_process_restarts_total", (("process", "peer0.municipality"),))] == 2
    assert samples[("grootboek_process_up", (("process", 'odd\\"name'),))] == 0
    assert samples[("grootboek_state_filesystem_avail_bytes", (("path", str(tmp_path)),))] == 250
    read = set(re.findall(r"grootboek_[a-z_]+", RULES.read_text()))
    assert read <= set(textfile.METRICS) and read <= {name for name, _ in samples}


def certificate(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def node(name: str, kind: str = "peer", running: bool = True, healthy: bool | None = True, restarts: int = 0,
         heights: dict[str, int] | None = None, last_error: str | None = None) -> NodeStatus:
    return NodeStatus(name, kind, 1 if running else None, running, restarts, {}, healthy, heights or {}, last_error)


def test_a_healthy_network_has_no_problems(tmp_path):
    nodes = [node("peer0.a", heights={"ch": 100}), node("peer0.b", heights={"ch": 95}),
             node("orderer0", "orderer", heights={"ch": 100})]
    assert problems_of(nodes, {}, [], Disk(tmp_path, 50, 100), Thresholds()) == []


def test_every_problem_gets_one_line_that_names_it(tmp_path):
    crypto = OrgCrypto(tmp_path / "Municipality", "gemeente.grootboek.nl")
    crypto.create()
    cert_path = crypto.add_user("till1") / "msp" / "signcerts" / "cert.pem"
    held = HeldCertificate("Municipality/till1", "enrolment", "Municipality", cert_path, None, certificate(cert_path))
    nodes = [node("peer0.a", heights={"ch": 130}), node("peer0.b", heights={"ch": 100}),
             node("peer0.c", running=False, last_error="panic: disk full"),
             node("orderer1", "orderer", healthy=False), node("orderer2", "orderer", restarts=4)]
    found = problems_of(nodes, {"orderer2": {"uptime": 12.0}}, [held], Disk(tmp_path, 5, 100),
                        Thresholds(warn_days=4000, max_drift=10))
    assert found == [
        "peer0.c: stopped (last error: panic: disk full)",
        "orderer1: running but failing its health check",
        "orderer2: restarted 4 time(s), up only 12 s",
        "channel ch: peers drift apart: peer0.a at height 130, peer0.b at 100 (more than 10 blocks)",
        f"certificate enrolment of Municipality/till1 expires in {held.days_left()} days "
        f"({held.not_after:%Y-%m-%d}): grootboek cert renew Municipality/till1",
        f"disk of {tmp_path}: 5.0 % free (0.0 of 0.0 GiB), below 10 %",
    ]
    # A restart long ago is history, not a problem; a small drift is gossip catching up.
    assert problems_of([node("orderer2", "orderer", restarts=4)], {"orderer2": {"uptime": 7200.0}}, [],
                       Disk(tmp_path, 50, 100), Thresholds()) == []
    assert problems_of(nodes[:2], {}, [], Disk(tmp_path, 50, 100), Thresholds(max_drift=30)) == []


def test_thresholds_refuse_what_makes_no_sense():
    with pytest.raises(ValueError, match="min free 120"):
        Thresholds(min_free_percent=120)
    with pytest.raises(ValueError, match="warn days -1"):
        Thresholds(warn_days=-1)


def test_a_network_whose_supervisor_is_down_is_one_problem(tmp_path):
    network = Network(consortium_file.load(), tmp_path)
    assert health.problems(network, Thresholds()) == [
        f"network grootboek is not running (its supervisor is down; state: {tmp_path.resolve()})"]
