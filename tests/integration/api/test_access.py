"""Authentication and authorisation at the gateway: tokens, client certificates, roles, and a
till that can only act as its own shop."""
from __future__ import annotations

from grootboek.api.accounts import Accounts
from grootboek.api.config import load as load_config

from .budgets_world import Holder, open_scheme


def test_no_credentials_no_writes_and_no_reads(gateways):
    anonymous = gateways["Municipality"].client()
    for method, path in (("POST", "/v1/budgets/schemes"), ("GET", "/v1/budgets/schemes/any"),
                         ("GET", "/v1/me")):
        response = anonymous.request(method, path, json={})
        assert response.status_code == 401, (method, path)
        assert response.json()["code"] == "UNAUTHENTICATED"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_malformed_and_revoked_tokens_are_refused(gateways):
    gateway = gateways["Municipality"]
    for authorization, code in (("Bearer gbk_nope", "INVALID_TOKEN"), ("Basic abc", "INVALID_AUTHORIZATION")):
        assert gateway.client().get("/v1/me", headers={"Authorization": authorization}).json()["code"] == code
    accounts = Accounts.open(load_config(gateway.config_path))
    token, info = accounts.tokens.issue("officer", "to be revoked")
    client = gateway.client()
    client.session.headers["Authorization"] = f"Bearer {token}"
    assert client.get("/v1/me").json()["name"] == "officer"
    gateway.admin("token", "revoke", info.id)  # offline command, the running gateway obeys at once
    assert client.get("/v1/me").status_code == 401


def test_a_client_certificate_logs_its_user_in(gateways):
    gateway = gateways["Municipality"]
    me = gateway.client(client_cert=gateway.tls_pair("officer")).get("/v1/me")
    assert me.status_code == 200, me.text
    assert me.json()["name"] == "officer" and "officer" in me.json()["roles"]


def test_a_certificate_bound_to_nobody_is_refused(gateways):
    gateway = gateways["Municipality"]  # the operator user (admin's identity) has no TLS binding
    response = gateway.client(client_cert=gateway.tls_pair("admin")).get("/v1/me")
    assert (response.status_code, response.json()["code"]) == (401, "UNKNOWN_CLIENT_CERTIFICATE")


def test_roles_are_checked_before_fabric_is_asked(gateways):
    till = gateways["Merchants"].client("fietsenwinkel")
    refused = till.post("/v1/budgets/schemes", {"id": "x", "terms": {}})
    assert (refused.status_code, refused.json()["code"]) == (403, "FORBIDDEN")
    registrar = gateways["Registry"].client("registrar")
    refused = registrar.post("/v1/channels/kadaster/chaincodes/registry/submit", {"function": "list_parcels"})
    assert refused.status_code == 403  # generic calls need the operator role


def test_a_till_acts_only_as_its_own_shop(shops):
    officer = shops["Municipality"].client("officer")
    bike, sports = shops["Merchants"].client("fietsenwinkel"), shops["Merchants"].client("sportwinkel")
    assert bike.get("/v1/budgets/merchants/sportwinkel/statement").status_code == 403
    holder = Holder(officer, open_scheme(officer, bike), bike)
    paid = bike.post("/v1/budgets/payments", {"budget_id": holder.budget_id, "amount": 700,
                                              "category": "bicycles", "code": holder.code()})
    assert paid.json()["merchant_id"] == "fietsenwinkel"  # the identity decides, not the request
    refund = sports.post(f"/v1/budgets/payments/{paid.json()['id']}/refunds", {"amount": 100})
    assert (refund.status_code, refund.json()["code"]) == (403, "FORBIDDEN")  # the chaincode's verdict


def test_personal_data_is_the_registrars_alone(gateways):
    officer = gateways["Municipality"].client("officer")
    response = officer.get("/v1/registry/parties/pty_x/details")
    assert (response.status_code, response.json()["code"]) == (403, "FORBIDDEN")

