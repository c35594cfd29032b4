"""`python -m grootboek.chaincode.shim`: options from flags or environment, clean SIGTERM."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from grootboek.chaincode.shimtest.fakepeer import FakePeer

CONFORMANCE = "grootboek.chaincode.conformance:chaincode"


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "grootboek.chaincode.shim", *args],
        env={**os.environ, "GROOTBOEK_LOG_LEVEL": "INFO", **env},
        stderr=subprocess.PIPE,
        text=True,
    )


def listening_port(process: subprocess.Popen) -> int:
    for line in process.stderr:
        record = json.loads(line)
        if record["msg"] == "chaincode server listening":
            return record["port"]
    raise AssertionError(f"server exited with {process.wait()} before listening")


def test_serves_from_environment_settings_and_stops_on_sigterm():
    process = start(
        ["--chaincode", CONFORMANCE],
        {"CHAINCODE_SERVER_ADDRESS": "127.0.0.1:0", "CHAINCODE_ID": "conformance:42",
         "CHAINCODE_TLS_DISABLED": "true"},
    )
    try:
        port = listening_port(process)
        peer = FakePeer(f"127.0.0.1:{port}").connect()
        assert peer.chaincode_id == "conformance:42"
        assert peer.response(peer.invoke("State:put", "k", "v")).status == 200
        peer.close()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        process.wait()


def test_refuses_to_start_without_tls_material_unless_disabled():
    process = start(["--chaincode", CONFORMANCE, "--address", "127.0.0.1:0", "--id", "x"], {})
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "TLS needs --tls-cert and --tls-key" in errors
