"""Our CCaaS external builder, run as the peer runs it (separate processes, arguments, env)."""
import json
import subprocess

from grootboek.network.admin import lifecycle
from grootboek.network.config import packaging
from grootboek.network.config.consortium import Chaincode

BIN = lifecycle.BUILDER_SOURCE


def run(script: str, *args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / script), *map(str, args)], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", **(env or {})})


def test_detect_claims_only_ccaas(tmp_path):
    (tmp_path / "metadata.json").write_text(json.dumps({"type": "ccaas", "label": "x"}))
    assert run("detect", tmp_path, tmp_path).returncode == 0
    (tmp_path / "metadata.json").write_text(json.dumps({"type": "golang", "label": "x"}))
    assert run("detect", tmp_path, tmp_path).returncode == 1


def test_build_renders_templates_from_the_peer_config_and_release_hands_it_over(tmp_path):
    source, output, release = tmp_path / "src", tmp_path / "out", tmp_path / "rel"
    source.mkdir()
    cc = Chaincode(name="budgets", contract="a.b:c", servers={"Municipality": 1})
    (source / "connection.json").write_text(json.dumps(packaging.connection_template(cc.name)))
    config = tmp_path / "ccaas.json"
    pem = "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n"
    config.write_text(json.dumps({"budgets_address": "127.0.0.1:7060", "client_key": pem,
                                  "client_cert": pem, "root_cert": pem}))
    result = run("build", source, tmp_path, output, env={"GROOTBOEK_CCAAS_CONFIG": str(config)})
    assert result.returncode == 0, result.stderr
    connection = json.loads((output / "connection.json").read_text())
    assert connection["address"] == "127.0.0.1:7060"
    assert connection["root_cert"] == pem
    assert run("release", output, release).returncode == 0
    assert json.loads((release / "chaincode" / "server" / "connection.json").read_text()) == connection


def test_build_names_a_missing_value(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "connection.json").write_text(json.dumps(packaging.connection_template("registry")))
    result = run("build", source, tmp_path, tmp_path / "out",
                 env={"CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG": json.dumps({"client_key": "k"})})
    assert result.returncode == 1
    assert "no value for client_cert, registry_address, root_cert" in result.stderr
