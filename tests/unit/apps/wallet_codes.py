"""Reads codes the wallet's browser module made (make_codes.js, under Node or in Chromium) with the
chaincode's own reader, and says which DER integer lengths their signatures had."""
from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from pathlib import Path

from grootboek.chaincode.budgets.domain.holder_codes import read_payment_code, read_query_token
from grootboek.chaincode.signing import canonical_json

MAKE_CODES = Path(__file__).with_name("make_codes.js")


def integer_lengths(der: bytes) -> tuple[int, int]:
    """The encoded lengths of r and s in a DER ECDSA signature."""
    assert der[0] == 0x30 and der[1] == len(der) - 2 and der[2] == 0x02
    r_length = der[3]
    assert der[4 + r_length] == 0x02
    return r_length, der[5 + r_length]


def read_all(made: list[dict]) -> set[int]:
    """Asserts every code reads as what it claims, byte for byte in Python's wire format; the DER
    integer lengths seen (33: a zero byte went before a high bit; below 32: leading zeros dropped)."""
    now = datetime.now(timezone.utc)
    lengths: set[int] = set()
    for item in made:
        envelope = json.loads(base64.urlsafe_b64decode(item["code"] + "=" * (-len(item["code"]) % 4)))
        assert base64.urlsafe_b64encode(canonical_json(envelope)).rstrip(b"=").decode() == item["code"]
        lengths.update(integer_lengths(base64.b64decode(envelope["signature"])))
        if item["kind"] == "pay":
            statement = read_payment_code(item["code"], item["budget"], item["pem"], now)
            assert statement.budget == item["budget"] and statement.expires > now.timestamp()
        else:
            assert read_query_token(item["code"], item["budget"], item["pem"], now).budget == item["budget"]
    assert {item["kind"] for item in made} == {"pay", "query"}
    return lengths
