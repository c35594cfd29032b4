"""`grootboek up` refuses a bad consortium file or a busy port before anything starts."""
import socket
import subprocess
import sys

import pytest
import yaml

from grootboek.network.config import consortium as consortium_file
from grootboek.network.nodes import supervisor
from grootboek.network.nodes.network import Network, NetworkError


def grootboek(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grootboek", *args], capture_output=True, text=True, timeout=60)


def test_a_bad_consortium_file_is_named_and_nothing_starts(tmp_path):
    data = yaml.safe_load(consortium_file.DEFAULT_FILE.read_text())
    del data["orderer_organization"]["orderers"][2]["admin_port"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data))
    result = grootboek("-c", str(bad), "-s", str(tmp_path / "state"), "up")
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: {bad}: orderer_organization.orderers[2].admin_port: missing"
    assert not (tmp_path / "state").exists()


def test_a_busy_port_is_named_and_nothing_starts(tmp_path):
    consortium = consortium_file.with_free_ports(consortium_file.load())
    path = tmp_path / "consortium.yaml"
    consortium_file.dump(consortium, path)
    where, port = next(p for p in consortium.ports() if "peers[0].port" in p[0])
    state = tmp_path / "state"
    with socket.socket() as busy:
        busy.bind((consortium.host, port))
        busy.listen()
        result = grootboek("-c", str(path), "-s", str(state), "up")
    assert result.returncode == 1
    assert f"port {port} ({where}) is already in use on 127.0.0.1" in result.stderr
    assert supervisor.marked_processes(state.resolve()) == []
    assert not (state / "run").exists()


def test_a_member_refuses_chaincodes_without_an_explicit_endorsement_policy(tmp_path):
    data = consortium_file.load().model_dump()
    data["channels"][0]["chaincodes"][0]["endorsement_policy"] = None
    network = Network(consortium_file.parse(data), tmp_path / "state", member="Merchants")
    with pytest.raises(NetworkError, match=r"chaincode kindpakket/budgets has no endorsement_policy in the "
                                           r"consortium file: among members, write out who must endorse"):
        network.prepare()
    assert not (tmp_path / "state" / "crypto").exists()  # refused before any key was made
