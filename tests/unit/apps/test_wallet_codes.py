"""The wallet's browser module makes payment codes and query tokens the chaincode's Python reader
accepts: run under Node's WebCrypto (the API browsers have; tests/integration/api/apps runs it in
Chromium), thousands of times, so both DER corner cases of re-encoding WebCrypto's r || s occur."""
from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from grootboek.chaincode.budgets.domain.errors import BudgetError
from grootboek.chaincode.budgets.domain.holder_codes import read_payment_code

from .wallet_codes import read_all

MODULE = Path(__file__).resolve().parents[3] / "api" / "apps" / "wallet" / "static" / "codes.js"
RUNNER = Path(__file__).with_name("run_codes.mjs")


def made_by_node(keys: int, per_key: int) -> list[dict]:
    node = shutil.which("node")
    assert node, "node is needed (make install uses it for the apps' npm packages)"
    done = subprocess.run([node, "--experimental-default-type=module", str(RUNNER), MODULE.as_uri(), str(keys),
                           str(per_key)], capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout)


def test_codes_from_the_browser_module_are_read_by_the_chaincode():
    lengths = read_all(made_by_node(keys=8, per_key=300))
    # A high bit in r or s: half the integers; leading zero bytes: 1 in 256, about 19 in 4,800.
    assert 33 in lengths and 32 in lengths and min(lengths) < 32, lengths


def test_a_code_signed_by_another_key_is_refused():
    first, second = made_by_node(keys=2, per_key=1)
    with pytest.raises(BudgetError, match="not signed by the budget's key"):
        read_payment_code(first["code"], first["budget"], second["pem"], datetime.now(timezone.utc))
