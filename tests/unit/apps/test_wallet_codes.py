"""The wallet's browser module makes payment codes and query tokens the chaincode's Python reader
accepts: run under Node's WebCrypto (the same API the browser has; tests/browser runs it in
Chromium), thousands of times, so both DER corner cases of re-encoding WebCrypto's r || s occur."""
from __future__ import annotations

import base64
import json
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from grootboek.chaincode.budgets.domain.errors import BudgetError
from grootboek.chaincode.budgets.domain.holder_codes import read_payment_code, read_query_token
from grootboek.chaincode.signing import canonical_json

ROOT = Path(__file__).resolve().parents[3]
MODULE = ROOT / "api" / "apps" / "wallet" / "static" / "codes.js"
DRIVER = Path(__file__).with_name("wallet_codes.mjs")


def made_by_node(keys: int, per_key: int) -> list[dict]:
    node = shutil.which("node")
    assert node, "node is needed (make install uses it for the apps' npm packages)"
    done = subprocess.run([node, "--experimental-default-type=module", str(DRIVER), MODULE.as_uri(), str(keys),
                           str(per_key)], capture_output=True, text=True, timeout=120, check=True)
    return [json.loads(line) for line in done.stdout.splitlines()]


def integer_lengths(der: bytes) -> tuple[int, int]:
    """The encoded lengths of r and s in a DER ECDSA signature."""
    assert der[0] == 0x30 and der[1] == len(der) - 2 and der[2] == 0x02
    r_length = der[3]
    assert der[4 + r_length] == 0x02
    return r_length, der[5 + r_length]


def test_codes_from_the_browser_module_are_read_by_the_chaincode():
    made = made_by_node(keys=8, per_key=300)
    now = datetime.now(timezone.utc)
    lengths = set()
    for item in made:
        envelope = json.loads(base64.urlsafe_b64decode(item["code"] + "=" * (-len(item["code"]) % 4)))
        # Byte for byte what Python's canonical JSON and base64url make of the same envelope.
        assert base64.urlsafe_b64encode(canonical_json(envelope)).rstrip(b"=").decode() == item["code"]
        lengths.update(integer_lengths(base64.b64decode(envelope["signature"])))
        if item["kind"] == "pay":
            statement = read_payment_code(item["code"], item["budget"], item["pem"], now)
            assert statement.budget == item["budget"] and statement.expires > now.timestamp()
        else:
            assert read_query_token(item["code"], item["budget"], item["pem"], now).budget == item["budget"]
    assert {item["kind"] for item in made} == {"pay", "query"}
    # 33: the high bit was set, so a zero byte went in front; below 32: leading zeros were dropped
    # (1 in 256 per integer, so about 19 times in 2,400 signatures).
    assert 33 in lengths and 32 in lengths and min(lengths) < 32, lengths


def test_a_code_signed_by_another_key_is_refused():
    first, second = made_by_node(keys=2, per_key=1)
    with pytest.raises(BudgetError, match="not signed by the budget's key"):
        read_payment_code(first["code"], first["budget"], second["pem"], datetime.now(timezone.utc))
