"""Activation on the in-memory ledger: a budget issued with an activation letter takes a phone's key
once, counts wrong codes, expires, and a re-issued letter makes the old key useless."""
from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from grootboek.chaincode.budgets.domain.activation import (
    ALPHABET, MAX_FAILED_ATTEMPTS, SECRET_LENGTH, TRANSIENT_KEY, activation_digest, activation_secret, normalised,
    typed_form)
from grootboek.chaincode.budgets.domain.errors import ErrorCode
from grootboek.chaincode.signing import public_key_pem

from .kindpakket import BIKE_SHOP, CLERK, OFFICER, REGISTRAR, SCHEME, Kindpakket
from .scenario import NOW

BUDGET = "b-0001"


def letter(world: Kindpakket, budget_id: str = BUDGET, days: int = 30) -> str:
    """Issues `budget_id` with an activation letter; the letter's secret."""
    secret = activation_secret()
    terms = {"digest": activation_digest(budget_id, secret), "expires_at": (NOW + timedelta(days=days)).isoformat()}
    issued = world.ok(OFFICER, "issue_budget_for_activation", budget_id, SCHEME, f"pseudo-{budget_id}", terms)
    assert issued["holder_key"] is None and issued["activation"]["failed_attempts"] == 0
    assert secret not in str(world.snapshot())
    return secret


def activate(world: Kindpakket, secret: str, key: ec.EllipticCurvePrivateKey, budget_id: str = BUDGET,
             identity=CLERK, at=NOW) -> dict:
    return world.ok(identity, "activate", budget_id, public_key_pem(key),
                    transient={TRANSIENT_KEY: secret.encode()}, at=at)


@pytest.fixture
def world() -> Kindpakket:
    return Kindpakket().setup()


def test_the_secret_has_100_bits_and_a_forgiving_typed_form():
    secret = activation_secret()
    assert len(secret) == SECRET_LENGTH and set(secret) <= set(ALPHABET) and len(ALPHABET) ** SECRET_LENGTH == 2**100
    typed = typed_form(secret).lower().replace("0", "o").replace("1", "l")
    assert typed.count("-") == 4 and normalised(typed) == secret
    assert activation_digest("b-1", secret) != activation_digest("b-2", secret)


def test_the_phone_activates_once_and_pays_with_its_own_key(world):
    secret = letter(world)
    phone = ec.generate_private_key(ec.SECP256R1())
    world.holder_keys[BUDGET] = phone
    world.refused(ErrorCode.CODE_INVALID, BIKE_SHOP, "pay", BUDGET, 1000, "bicycles", world.code())
    assert activate(world, typed_form(secret).lower(), phone) == {
        "budget_id": BUDGET, "activated": True, "attempts_left": 0}
    assert world.pay(1000)["amount"] == 1000
    assert world.ok(CLERK, "balance", BUDGET, world.token())["balance"] == 24_000
    world.refused(ErrorCode.INVALID_STATE, CLERK, "activate", BUDGET, public_key_pem(phone),
                  transient={TRANSIENT_KEY: secret.encode()})


def test_wrong_codes_count_and_lock_the_letter(world):
    secret = letter(world)
    phone = ec.generate_private_key(ec.SECP256R1())
    for attempt in range(1, MAX_FAILED_ATTEMPTS + 1):
        answer = activate(world, activation_secret(), phone)
        assert answer == {"budget_id": BUDGET, "activated": False, "attempts_left": MAX_FAILED_ATTEMPTS - attempt}
    message = world.refused(ErrorCode.INVALID_STATE, CLERK, "activate", BUDGET, public_key_pem(phone),
                            transient={TRANSIENT_KEY: secret.encode()})
    assert "re-issue" in message


def test_an_expired_letter_and_bad_requests_are_refused(world):
    secret = letter(world, days=1)
    phone = public_key_pem(ec.generate_private_key(ec.SECP256R1()))
    world.refused(ErrorCode.CODE_EXPIRED, CLERK, "activate", BUDGET, phone,
                  transient={TRANSIENT_KEY: secret.encode()}, at=NOW + timedelta(days=2))
    world.refused(ErrorCode.INVALID_ARGUMENT, CLERK, "activate", BUDGET, phone)
    world.refused(ErrorCode.INVALID_ARGUMENT, CLERK, "activate", BUDGET, "not a key",
                  transient={TRANSIENT_KEY: secret.encode()})
    # Another organisation could otherwise use up the budget's attempts.
    world.refused(ErrorCode.FORBIDDEN, REGISTRAR, "activate", BUDGET, phone, transient={TRANSIENT_KEY: b"x"})
    terms = {"digest": activation_digest("b-2", secret), "expires_at": (NOW + timedelta(days=91)).isoformat()}
    world.refused(ErrorCode.INVALID_ARGUMENT, OFFICER, "issue_budget_for_activation", "b-2", SCHEME, "p-2", terms)
    world.refused(ErrorCode.FORBIDDEN, CLERK, "issue_budget_for_activation", "b-2", SCHEME, "p-2",
                  {**terms, "expires_at": (NOW + timedelta(days=1)).isoformat()})


def test_a_reissued_letter_makes_the_old_key_useless(world):
    lost, found = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    activate(world, letter(world), lost)
    world.holder_keys[BUDGET] = lost
    old_code = world.code()
    secret = activation_secret()
    terms = {"digest": activation_digest(BUDGET, secret), "expires_at": (NOW + timedelta(days=30)).isoformat()}
    world.refused(ErrorCode.FORBIDDEN, CLERK, "reissue_activation", BUDGET, terms)
    reissued = world.ok(OFFICER, "reissue_activation", BUDGET, terms)
    assert reissued["holder_key"] is None and reissued["balance"] == 25_000
    world.refused(ErrorCode.CODE_INVALID, BIKE_SHOP, "pay", BUDGET, 1000, "bicycles", old_code)
    assert activate(world, secret, found)["activated"] is True
    world.refused(ErrorCode.CODE_INVALID, BIKE_SHOP, "pay", BUDGET, 1000, "bicycles", world.code())
    world.holder_keys[BUDGET] = found
    assert world.pay(1000)["budget_id"] == BUDGET


def test_budgets_issued_with_a_key_take_no_activation(world):
    world.issue(BUDGET)
    world.refused(ErrorCode.INVALID_STATE, CLERK, "activate", BUDGET,
                  public_key_pem(ec.generate_private_key(ec.SECP256R1())), transient={TRANSIENT_KEY: b"x"})
    assert world.pay(500)["amount"] == 500
