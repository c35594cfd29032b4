import base64
import json
from datetime import timedelta

import pytest

from grootboek.chaincode.budgets.domain.errors import BudgetError, ErrorCode
from grootboek.chaincode.budgets.domain.holder_codes import (
    MAX_VALIDITY, PaymentAuthorisation, payment_code, query_token, read_payment_code, read_query_token)
from grootboek.chaincode.signing import canonical_json, sign

from .refusals import refused
from .scenario import HOLDER_KEY, HOLDER_PEM, NOW, OTHER_KEY

SOON = NOW + timedelta(minutes=5)


def _decode(code: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(code + "=" * (-len(code) % 4)))


def _seal(statement: dict, key=HOLDER_KEY) -> str:
    envelope = {"statement": statement, "signature": sign(key, statement)}
    return base64.urlsafe_b64encode(canonical_json(envelope)).rstrip(b"=").decode()


def test_a_payment_code_round_trips_and_has_the_documented_shape():
    code = payment_code(HOLDER_KEY, "b-0001", SOON, max_amount=5000, merchant_id="fietsenwinkel", nonce="n" * 16)
    assert "=" not in code and "+" not in code and "/" not in code and len(code) < 600  # fits a QR code
    envelope = _decode(code)
    assert envelope["statement"] == {"purpose": "budgets.pay.v1", "budget": "b-0001", "nonce": "n" * 16,
                                     "expires": int(SOON.timestamp()), "max_amount": 5000,
                                     "merchant": "fietsenwinkel"}
    auth = read_payment_code(code, "b-0001", HOLDER_PEM, NOW)
    assert auth == PaymentAuthorisation(budget="b-0001", nonce="n" * 16, expires=int(SOON.timestamp()),
                                        max_amount=5000, merchant="fietsenwinkel")


def test_optional_fields_are_left_out_and_nonces_are_fresh():
    first, second = (payment_code(HOLDER_KEY, "b-0001", SOON) for _ in range(2))
    assert set(_decode(first)["statement"]) == {"purpose", "budget", "nonce", "expires"}
    assert _decode(first)["statement"]["nonce"] != _decode(second)["statement"]["nonce"]


def test_a_code_for_another_budget_or_key_is_invalid():
    code = payment_code(HOLDER_KEY, "b-0001", SOON)
    with refused(ErrorCode.CODE_INVALID):
        read_payment_code(code, "b-0002", HOLDER_PEM, NOW)
    forged = payment_code(OTHER_KEY, "b-0001", SOON)
    with refused(ErrorCode.CODE_INVALID):
        read_payment_code(forged, "b-0001", HOLDER_PEM, NOW)


def test_tampering_with_the_statement_breaks_the_signature():
    envelope = _decode(payment_code(HOLDER_KEY, "b-0001", SOON, max_amount=100))
    envelope["statement"]["max_amount"] = 100_000
    tampered = base64.urlsafe_b64encode(canonical_json(envelope)).decode()
    with refused(ErrorCode.CODE_INVALID):
        read_payment_code(tampered, "b-0001", HOLDER_PEM, NOW)


def test_expiry_and_the_validity_limit():
    code = payment_code(HOLDER_KEY, "b-0001", SOON)
    read_payment_code(code, "b-0001", HOLDER_PEM, SOON - timedelta(seconds=1))
    with refused(ErrorCode.CODE_EXPIRED):
        read_payment_code(code, "b-0001", HOLDER_PEM, SOON)
    forever = payment_code(HOLDER_KEY, "b-0001", NOW + MAX_VALIDITY + timedelta(seconds=1))
    with refused(ErrorCode.CODE_INVALID):
        read_payment_code(forever, "b-0001", HOLDER_PEM, NOW)


@pytest.mark.parametrize("text", ["", "not base64!", "x" * 5000, base64.urlsafe_b64encode(b"[1,2]").decode(),
                                  base64.urlsafe_b64encode(b'{"statement":{}}').decode(),
                                  base64.urlsafe_b64encode(b"\xff\xfe").decode()])
def test_garbage_is_an_invalid_code(text):
    with refused(ErrorCode.CODE_INVALID):
        read_payment_code(text, "b-0001", HOLDER_PEM, NOW)


@pytest.mark.parametrize("changes", [{"nonce": "short"}, {"expires": "soon"}, {"surprise": 1},
                                     {"purpose": "budgets.query.v1"}, {"max_amount": 0}])
def test_well_signed_but_malformed_statements_are_invalid(changes):
    statement = {"purpose": "budgets.pay.v1", "budget": "b-0001", "nonce": "n" * 16,
                 "expires": int(SOON.timestamp())} | changes
    with refused(ErrorCode.CODE_INVALID):
        read_payment_code(_seal(statement), "b-0001", HOLDER_PEM, NOW)


def test_query_tokens_and_payment_codes_do_not_stand_in_for_each_other():
    token = query_token(HOLDER_KEY, "b-0001", SOON)
    assert read_query_token(token, "b-0001", HOLDER_PEM, NOW).budget == "b-0001"
    with refused(ErrorCode.CODE_INVALID):
        read_payment_code(token, "b-0001", HOLDER_PEM, NOW)
    with refused(ErrorCode.CODE_INVALID):
        read_query_token(payment_code(HOLDER_KEY, "b-0001", SOON), "b-0001", HOLDER_PEM, NOW)
    with refused(ErrorCode.CODE_EXPIRED):
        read_query_token(token, "b-0001", HOLDER_PEM, SOON)


@pytest.mark.parametrize(("text", "says"), [
    ("", "is empty"),
    ("x" * 5000, "longer than 4096 characters"),
    (payment_code(HOLDER_KEY, "b-0001", SOON) + "==", "send it as base64url without padding"),
    ("not base64!", "not base64url"),
    (base64.urlsafe_b64encode(b"\xff\xfe").decode().rstrip("="), "does not decode to JSON"),
    (base64.urlsafe_b64encode(b"[1,2]").decode().rstrip("="), "is not an envelope"),
])
def test_a_malformed_code_is_refused_saying_what_is_wrong(text, says):
    with pytest.raises(BudgetError, match=f"^CODE_INVALID: payment code is malformed: .*{says}"):
        read_payment_code(text, "b-0001", HOLDER_PEM, NOW)


def test_a_code_valid_too_long_says_for_how_long_and_the_limit():
    two_days = payment_code(HOLDER_KEY, "b-0001", NOW + timedelta(hours=48))
    with pytest.raises(BudgetError, match="expires in 48.0 hours; it may be valid for at most 24 hours: "
                                          "make one that expires sooner"):
        read_payment_code(two_days, "b-0001", HOLDER_PEM, NOW)


def test_expires_is_an_aware_datetime_and_anything_else_says_so():
    for wrong in (int(SOON.timestamp()), SOON.replace(tzinfo=None)):
        with pytest.raises(TypeError, match="expires must be a timezone-aware datetime"):
            query_token(HOLDER_KEY, "b-0001", wrong)
        with pytest.raises(TypeError, match="expires must be a timezone-aware datetime"):
            payment_code(HOLDER_KEY, "b-0001", wrong)
