"""The gateway's side of the payment moment on a fake Fabric: activation letters (the secret shown
once, only its digest sent), activations without a login (as the wallet user, limited per client),
and a till's checks (limited per code; the budget taken from the code)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from cryptography.hazmat.primitives.asymmetric import ec

from grootboek.api.areas.budgets.activations import CLIENT_ATTEMPTS
from grootboek.api.areas.budgets.payments import CHECKS_PER_CODE
from grootboek.api.auth.roles import Role
from grootboek.chaincode.budgets.domain.activation import TRANSIENT_KEY, activation_digest, normalised
from grootboek.chaincode.budgets.domain.holder_codes import payment_code
from grootboek.chaincode.signing import public_key_pem

NOW = datetime.now(timezone.utc)
BUDGET = {"id": "b-1", "scheme_id": "kp", "beneficiary": "p-1", "status": "active", "granted": 25_000,
          "balance": 25_000, "returned": 0, "issued_at": NOW.isoformat(), "updated_at": NOW.isoformat()}
KEY = ec.generate_private_key(ec.SECP256R1())


def _budget(call) -> bytes:
    terms = json.loads(call.args[-1])
    return json.dumps({**BUDGET, "activation": {**terms, "failed_attempts": 0}}).encode()


def test_a_letter_shows_the_secret_once_and_sends_only_its_digest(gateway):
    gateway.invoker.answers["issue_budget_for_activation"] = _budget
    body = {"budget_id": "b-1", "scheme_id": "kp", "beneficiary": "p-1", "valid_days": 14}
    before = datetime.now(timezone.utc)
    response = gateway.client().post("/v1/budgets/activation-letters", json=body, headers=gateway.auth("officer"))
    assert response.status_code == 201, response.get_json()
    letter = response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    assert len(letter["secret"]) == 20 and normalised(letter["typed"]) == letter["secret"]
    assert letter["qr"] == f"GBA1:b-1:{letter['secret']}"
    _, call = gateway.invoker.calls[-1]
    assert call.function == "Budgets:issue_budget_for_activation" and call.args[:3] == ("b-1", "kp", "p-1")
    terms = json.loads(call.args[3])
    assert terms["digest"] == activation_digest("b-1", letter["secret"])
    assert letter["secret"] not in json.dumps(call.args) and not call.transient
    expires = datetime.fromisoformat(terms["expires_at"])
    assert before + timedelta(days=14, seconds=-1) <= expires <= datetime.now(timezone.utc) + timedelta(days=14)
    refused = gateway.client().post("/v1/budgets/activation-letters", json={**body, "valid_days": 91},
                                    headers=gateway.auth("officer"))
    assert refused.status_code == 422
    shop = gateway.client().post("/v1/budgets/activation-letters", json=body, headers=gateway.auth("shop"))
    assert shop.status_code == 403


def test_a_phone_activates_without_a_login_as_the_wallet_user(gateway, organisation):
    request = {"budget_id": "b-1", "secret": "7K3Q-M2X9-AAAA-BBBB-CCCC", "holder_key": public_key_pem(KEY)}
    assert gateway.client().post("/v1/budgets/activations", json=request).get_json()["code"] == "NO_WALLET_IDENTITY"
    gateway.accounts.import_identity("wallet", organisation.user_dir("officer") / "msp", {Role.WALLET})
    answers = iter([{"activated": False, "attempts_left": 4}, {"activated": True, "attempts_left": 0}])
    gateway.invoker.answers["activate"] = lambda call: json.dumps({"budget_id": "b-1", **next(answers)}).encode()
    wrong = gateway.client().post("/v1/budgets/activations", json=request)
    assert (wrong.status_code, wrong.get_json()["code"]) == (403, "ACTIVATION_REFUSED")
    assert "4 attempts left" in wrong.get_json()["message"]
    right = gateway.client().post("/v1/budgets/activations", json=request)
    assert (right.status_code, right.get_json()["activated"]) == (200, True)
    user, call = gateway.invoker.calls[-1]
    assert user == "wallet" and call.args == ("b-1", public_key_pem(KEY))
    assert call.transient == {TRANSIENT_KEY: request["secret"].encode()}


def test_activation_attempts_are_limited_per_client(gateway, organisation):
    gateway.accounts.import_identity("wallet", organisation.user_dir("officer") / "msp", {Role.WALLET})
    gateway.invoker.answers["activate"] = lambda call: b'{"budget_id": "b-1", "activated": false, "attempts_left": 1}'
    request = {"budget_id": "b-1", "secret": "x", "holder_key": "k"}
    statuses = [gateway.client().post("/v1/budgets/activations", json=request).status_code
                for _ in range(CLIENT_ATTEMPTS + 1)]
    assert statuses == [403] * CLIENT_ATTEMPTS + [429]
    limited = gateway.client().post("/v1/budgets/activations", json=request)
    assert limited.get_json()["code"] == "TOO_MANY_ATTEMPTS" and int(limited.headers["Retry-After"]) > 0
    assert gateway.invoker.submitted("activate") == CLIENT_ATTEMPTS


def test_a_till_checks_a_code_a_few_times_and_pays_without_naming_the_budget(gateway):
    code = payment_code(KEY, "b-7", NOW + timedelta(minutes=5))
    gateway.invoker.answers["check_payment"] = lambda call: json.dumps(
        {"budget_id": call.args[0], "amount": int(call.args[1]), "category": call.args[2], "fits": True}).encode()
    gateway.invoker.answers["pay"] = lambda call: b'{"id": "tx"}'
    check = {"amount": 1500, "category": "bicycles", "code": code}
    answers = [gateway.client().post("/v1/budgets/payment-checks", json=check, headers=gateway.auth("shop"))
               for _ in range(CHECKS_PER_CODE + 1)]
    assert [a.status_code for a in answers] == [200] * CHECKS_PER_CODE + [429]
    assert answers[0].get_json()["fits"] is True and answers[-1].get_json()["code"] == "CHECK_LIMIT"
    assert gateway.invoker.calls[-1][1].args == ("b-7", "1500", "bicycles", code)
    assert gateway.client().post("/v1/budgets/payments", json=check, headers=gateway.auth("shop")).status_code == 201
    assert gateway.invoker.calls[-1][1].args[0] == "b-7"
    garbled = gateway.client().post("/v1/budgets/payments", json={**check, "code": "garbled"},
                                    headers=gateway.auth("shop"))
    assert (garbled.status_code, garbled.get_json()["code"]) == (400, "INVALID_ARGUMENT")
    assert "budget_id" in garbled.get_json()["message"]


def test_a_till_asks_for_todays_statement_newest_first(gateway):
    gateway.invoker.answers["merchant_statement"] = lambda call: b'{"items": [], "bookmark": ""}'
    path = "/v1/budgets/merchants/fietsenwinkel/statement"
    today = gateway.client().get(path, query_string={"day": "2026-12-03", "newest_first": "true", "page_size": 5},
                                 headers=gateway.auth("shop"))
    assert today.status_code == 200
    assert gateway.invoker.calls[-1][1].args == ("fietsenwinkel", "5", "", "2026-12-03", "true")
    assert gateway.client().get(path, headers=gateway.auth("shop")).status_code == 200
    assert gateway.invoker.calls[-1][1].args == ("fietsenwinkel", "20", "", "", "false")
    bad = gateway.client().get(path, query_string={"day": "3 december"}, headers=gateway.auth("shop"))
    assert (bad.status_code, bad.get_json()["errors"][0]["field"]) == (422, "query.day")
