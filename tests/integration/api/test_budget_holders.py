"""The payment moment's ledger side on the real network, through the gateways: an officer's
activation letter, a phone activating with it (a wrong code counted first), a till checking the
phone's code, paying without naming the budget and finding the payment first in today's statement, a lost phone's new letter making the old key
useless, and a letter locked after five wrong codes. The gateway's `wallet` user, which does all a
phone asks, is an identity the chaincode refuses to issue, top up or show personal data."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from grootboek.chaincode.budgets.domain.holder_codes import payment_code, query_token
from grootboek.chaincode.signing import public_key_pem
from grootboek.client.errors import EndorseError, EvaluateError

from .budgets_world import letter, open_scheme
from .commits import committed_on


@pytest.fixture(scope="module")
def world(shops):
    """The shops, and the municipality's gateway (whose `wallet` user acts for phones)."""
    municipality = shops["Municipality"]
    officer = municipality.client("officer")
    bike = shops["Merchants"].client("fietsenwinkel")
    return officer, bike, municipality.client(), open_scheme(officer, bike)


def activate(phone_client, till, budget_id: str, secret: str, key) -> dict:
    answer = phone_client.post("/v1/budgets/activations", {"budget_id": budget_id, "secret": secret,
                                                           "holder_key": public_key_pem(key)})
    if answer.status_code in (200, 403):  # both committed: a wrong code is counted on the ledger
        committed_on(till, "kindpakket", answer)
    return answer


def code(key, budget_id: str) -> str:
    return payment_code(key, budget_id, datetime.now(timezone.utc) + timedelta(minutes=5))


def test_a_phone_activates_from_the_letter_and_the_till_checks_and_pays(world):
    officer, bike, phone_client, scheme = world
    issued = letter(officer, bike, scheme)
    budget_id, phone = issued["budget"]["id"], ec.generate_private_key(ec.SECP256R1())
    assert issued["budget"]["holder_key"] is None and issued["qr"].endswith(issued["secret"])

    wrong = activate(phone_client, bike, budget_id, "0000-0000-0000-0000-0000", phone)
    assert (wrong.status_code, wrong.json()["code"]) == (403, "ACTIVATION_REFUSED"), wrong.text
    assert "4 attempts left" in wrong.json()["message"]
    right = activate(phone_client, bike, budget_id, issued["typed"].lower(), phone)
    assert (right.status_code, right.json()["activated"]) == (200, True), right.text
    again = activate(phone_client, bike, budget_id, issued["secret"], phone)
    assert (again.status_code, again.json()["code"]) == (409, "INVALID_STATE")

    phone_code = code(phone, budget_id)
    check = bike.post("/v1/budgets/payment-checks", {"amount": 4_500, "category": "bicycles", "code": phone_code})
    assert (check.status_code, check.json()) == (200, {"budget_id": budget_id, "amount": 4_500,
                                                       "category": "bicycles", "fits": True}), check.text
    too_much = bike.post("/v1/budgets/payment-checks", {"amount": 30_000, "category": "bicycles",
                                                        "code": phone_code})
    assert (too_much.status_code, too_much.json()["code"]) == (422, "AMOUNT_ABOVE_MAXIMUM")
    assert "balance" not in too_much.text.lower()
    paid = bike.post("/v1/budgets/payments", {"amount": 4_500, "category": "bicycles", "code": phone_code})
    assert (paid.status_code, paid.json()["budget_id"]) == (201, budget_id), paid.text
    day = paid.json()["paid_at"][:10]
    newest = bike.get("/v1/budgets/merchants/fietsenwinkel/statement",
                      params={"day": day, "newest_first": "true", "page_size": 1}).json()
    assert newest["items"][0]["payment_id"] == paid.json()["id"]
    replayed = bike.post("/v1/budgets/payment-checks", {"amount": 100, "category": "bicycles", "code": phone_code})
    assert (replayed.status_code, replayed.json()["code"]) == (409, "CODE_REPLAYED")
    limited = bike.post("/v1/budgets/payment-checks", {"amount": 100, "category": "bicycles", "code": phone_code})
    assert (limited.status_code, limited.json()["code"]) == (429, "CHECK_LIMIT")

    token = query_token(phone, budget_id, datetime.now(timezone.utc) + timedelta(minutes=5))
    balance = bike.get(f"/v1/budgets/budgets/{budget_id}/balance", params={"holder_token": token})
    assert balance.json()["balance"] == 20_500, balance.text


def test_a_new_letter_makes_the_lost_phone_useless(world):
    officer, bike, phone_client, scheme = world
    first = letter(officer, bike, scheme)
    budget_id = first["budget"]["id"]
    lost, found = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    assert activate(phone_client, bike, budget_id, first["secret"], lost).status_code == 200
    lost_code = code(lost, budget_id)

    reissued = officer.post(f"/v1/budgets/budgets/{budget_id}/activation-letter", {"valid_days": 7})
    assert reissued.status_code == 201, reissued.text
    committed_on(bike, "kindpakket", reissued)
    assert reissued.json()["secret"] != first["secret"] and reissued.json()["budget"]["holder_key"] is None
    refused = bike.post("/v1/budgets/payments", {"amount": 1_000, "category": "bicycles", "code": lost_code})
    assert (refused.status_code, refused.json()["code"]) == (422, "CODE_INVALID"), refused.text

    assert activate(phone_client, bike, budget_id, reissued.json()["secret"], found).status_code == 200
    paid = bike.post("/v1/budgets/payments", {"amount": 1_000, "category": "bicycles", "code": code(found, budget_id)})
    assert paid.status_code == 201, paid.text


def test_five_wrong_codes_lock_the_letter(world):
    officer, bike, phone_client, scheme = world
    issued = letter(officer, bike, scheme)
    budget_id, phone = issued["budget"]["id"], ec.generate_private_key(ec.SECP256R1())
    left = [activate(phone_client, bike, budget_id, f"WRONG{n}", phone).json()["message"] for n in range(5)]
    assert [message.split("; ")[1] for message in left] == [f"{n} attempts left" for n in (4, 3, 2, 1, 0)]
    locked = activate(phone_client, bike, budget_id, issued["secret"], phone)
    assert (locked.status_code, locked.json()["code"]) == (409, "INVALID_STATE")
    assert "re-issue" in locked.json()["message"]


def test_a_wallet_reads_its_budget_and_where_to_spend_it_without_a_login(world):
    officer, bike, phone_client, scheme = world
    issued = letter(officer, bike, scheme)
    budget_id, phone = issued["budget"]["id"], ec.generate_private_key(ec.SECP256R1())
    assert activate(phone_client, bike, budget_id, issued["secret"], phone).status_code == 200
    paid = bike.post("/v1/budgets/payments", {"amount": 1_250, "category": "bicycles", "code": code(phone, budget_id)})
    assert paid.status_code == 201, paid.text
    committed_on(officer, "kindpakket", paid)  # read on the Municipality's peer below

    token = query_token(phone, budget_id, datetime.now(timezone.utc) + timedelta(minutes=5))
    balance = phone_client.get("/v1/budgets/holder/balance", params={"holder_token": token})
    assert (balance.status_code, balance.json()["balance"]) == (200, 23_750), balance.text
    assert balance.headers["Cache-Control"] == "no-store"
    history = phone_client.get("/v1/budgets/holder/history", params={"holder_token": token}).json()
    assert [(e["kind"], e["amount"], e.get("merchant_id")) for e in history["items"]] == [
        ("issued", 25_000, None), ("paid", 1_250, "fietsenwinkel")]
    stranger = query_token(ec.generate_private_key(ec.SECP256R1()), budget_id,
                           datetime.now(timezone.utc) + timedelta(minutes=5))
    refused = phone_client.get("/v1/budgets/holder/balance", params={"holder_token": stranger})
    assert (refused.status_code, refused.json()["code"]) == (422, "CODE_INVALID"), refused.text
    garbled = phone_client.get("/v1/budgets/holder/history", params={"holder_token": "bm90LWEtdG9rZW4"})
    assert (garbled.status_code, garbled.json()["code"]) == (400, "INVALID_ARGUMENT"), garbled.text

    places = phone_client.get(f"/v1/budgets/schemes/{scheme}/places").json()
    assert places["categories"] == ["bicycles", "sports"]
    assert {(p["merchant_id"], tuple(p["categories"])) for p in places["places"]} == {
        ("fietsenwinkel", ("bicycles",)), ("sportwinkel", ("sports",))}


def test_the_wallet_identity_may_activate_and_read_but_not_issue_or_top_up(world, shops, fabric, connect_as):
    officer, bike, phone_client, scheme = world
    users = {user["name"]: user for user in json.loads(shops["Municipality"].admin("user", "list", "--json"))}
    assert users["wallet"]["roles"] == ["wallet"]
    assert users["wallet"]["fabric_id"].startswith("x509::CN=wallet@"), users["wallet"]
    issued = letter(officer, bike, scheme)
    budget_id, phone = issued["budget"]["id"], ec.generate_private_key(ec.SECP256R1())
    assert activate(phone_client, bike, budget_id, issued["secret"], phone).status_code == 200

    with connect_as(fabric, "Municipality", "wallet") as gateway:
        budgets = gateway.network("kindpakket").contract("budgets", "Budgets")
        for function, args in (("issue_budget", [f"{budget_id}-2", scheme, "wallet-made", public_key_pem(phone)]),
                               ("top_up", [budget_id, "10000"])):
            with pytest.raises(EndorseError) as refused:
                budgets.submit(function, args)
            assert "FORBIDDEN: only an officer of MunicipalityMSP may do this" in str(refused.value), function
        with pytest.raises(EvaluateError) as private:
            budgets.evaluate("read_personal_data", [budget_id])
        assert "FORBIDDEN: " in str(private.value)
        token = query_token(phone, budget_id, datetime.now(timezone.utc) + timedelta(minutes=5))
        assert json.loads(budgets.evaluate("balance", [budget_id, token]))["balance"] == 25_000
