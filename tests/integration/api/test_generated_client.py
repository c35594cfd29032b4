"""The OpenAPI document is a contract a generated client can live by: openapi-python-client (pinned)
generates a client from the running gateway's /openapi.json, and that client alone runs the budgets
story (scheme, budget, payment with an Idempotency-Key, balance with the holder's token, refund,
settlement, confirmation, history page) against the real gateways."""
from __future__ import annotations

import importlib
import os
import ssl
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from grootboek.chaincode.budgets.domain.holder_codes import payment_code, query_token
from grootboek.chaincode.signing import public_key_pem

from .budgets_world import CATEGORIES
from .commits import committed_on

PACKAGE = "grootboek_rest_gateway_client"


@pytest.fixture(scope="module")
def generated(gateways, tmp_path_factory):
    """The client package generated into a temporary directory, imported."""
    where = tmp_path_factory.mktemp("generated")
    document = where / "openapi.json"
    document.write_text(gateways["Municipality"].client().get("/openapi.json").text)
    bin_dir = Path(sys.executable).parent  # ruff, which the generator runs, sits beside python
    run = subprocess.run([str(bin_dir / "openapi-python-client"), "generate", "--path", str(document),
                          "--meta", "none", "--output-path", str(where / PACKAGE)],
                         capture_output=True, text=True,
                         env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"})
    assert run.returncode == 0 and "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr
    sys.path.insert(0, str(where))
    try:
        yield lambda module: importlib.import_module(f"{PACKAGE}.{module}")
    finally:
        sys.path.remove(str(where))


def test_a_generated_client_runs_the_budgets_story(shops, generated):
    client_module, models = generated("client"), generated("models")
    budgets = {name: generated(f"api.budgets.budgets_{name}") for name in (
        "create_scheme", "open_scheme", "admit_merchant", "issue_budget", "pay", "balance", "refund",
        "settle", "confirm_settlement", "history")}

    def session(org: str, user: str):
        gateway = shops[org]
        return client_module.AuthenticatedClient(base_url=gateway.base_url, token=gateway.tokens[user],
                                                 verify_ssl=ssl.create_default_context(cafile=str(gateway.ca_file)))

    officer, till = session("Municipality", "officer"), session("Merchants", "fietsenwinkel")
    waiter = shops["Merchants"].client("fietsenwinkel")  # waits for the tills' peer to commit

    def done(response, status: HTTPStatus = HTTPStatus.OK):
        assert response.status_code == status, response.content
        return response

    now = datetime.now(timezone.utc)
    scheme = f"gen-{uuid.uuid4().hex[:8]}"
    terms = models.SchemeTerms.from_dict({
        "name": "Kindpakket (generated client)", "starts_at": (now - timedelta(days=1)).isoformat(),
        "ends_at": (now + timedelta(days=30)).isoformat(), "amount_per_beneficiary": 25_000,
        "categories": ["bicycles", "sports"]})
    done(budgets["create_scheme"].sync_detailed(client=officer, body=models.SchemeCreation(
        id=scheme, terms=terms)), HTTPStatus.CREATED)
    assert done(budgets["open_scheme"].sync_detailed(scheme, client=officer)).parsed.status == "open"
    for shop in CATEGORIES:
        admitted = done(budgets["admit_merchant"].sync_detailed(
            scheme, client=officer, body=models.AdmissionRequest(merchant_id=shop)), HTTPStatus.CREATED)
    key = ec.generate_private_key(ec.SECP256R1())
    budget = f"b-{uuid.uuid4().hex[:10]}"
    issued = done(budgets["issue_budget"].sync_detailed(client=officer, body=models.BudgetIssue(
        id=budget, scheme_id=scheme, beneficiary=f"pseudo-{budget}", holder_key=public_key_pem(key))),
        HTTPStatus.CREATED)
    committed_on(waiter, "kindpakket", admitted)
    committed_on(waiter, "kindpakket", issued)

    soon = datetime.now(timezone.utc) + timedelta(minutes=5)
    payment = models.PaymentRequest(budget_id=budget, amount=4500, category="bicycles",
                                    code=payment_code(key, budget, soon))
    retry_key = str(uuid.uuid4())
    paid = done(budgets["pay"].sync_detailed(client=till, body=payment, idempotency_key=retry_key),
                HTTPStatus.CREATED)
    again = done(budgets["pay"].sync_detailed(client=till, body=payment, idempotency_key=retry_key),
                 HTTPStatus.CREATED)
    assert again.headers["Idempotent-Replayed"] == "true" and again.parsed.id == paid.parsed.id
    balance = done(budgets["balance"].sync_detailed(budget, client=till, holder_token=query_token(key, budget, soon)))
    assert balance.parsed.balance == 20_500
    refunded = done(budgets["refund"].sync_detailed(paid.parsed.id, client=till,
                                                    body=models.Quantity(amount=1500)))
    assert refunded.parsed.refunded == 1500

    settled = done(budgets["settle"].sync_detailed(client=officer, body=models.SettlementRequest(
        scheme_id=scheme, merchant_id="fietsenwinkel", bank_reference=f"NL-{uuid.uuid4().hex[:8]}")),
        HTTPStatus.CREATED)
    assert settled.parsed.quantity == 3000
    committed_on(waiter, "kindpakket", settled)
    confirmed = done(budgets["confirm_settlement"].sync_detailed(settled.parsed.id, client=till))
    assert confirmed.parsed.status == "confirmed"

    history = done(budgets["history"].sync_detailed(budget, client=officer, page_size=2))
    assert [entry.kind for entry in history.parsed.items] == ["issued", "paid"]
    refused = budgets["pay"].sync_detailed(client=till, body=payment)  # the same code again
    assert refused.status_code == HTTPStatus.CONFLICT and refused.parsed.code == "CODE_REPLAYED"
