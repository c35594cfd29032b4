"""The web apps' foundation (api/apps/): which gateway serves which app, the security headers of
every page and file, translations, and signing in to a session that the REST API accepts only with
its CSRF token."""
from __future__ import annotations

import json

import pytest

from grootboek.api.apps import NAMES, app
from grootboek.api.apps.web import i18n
from grootboek.api.auth.authenticate import CSRF_HEADER, SESSION_COOKIE
from grootboek.api.config import ConfigError
from grootboek.api.errors.catalog import CHECK_LIMIT, GATEWAY, PAYMENT_CANCELLED, Action
from grootboek.chaincode.budgets.domain.errors import ErrorCode

from .conftest import make_gateway


@pytest.fixture
def gateway(tmp_path, organisation):
    return make_gateway(tmp_path, organisation, apps=["till"])


def _signed_in(gateway, user="shop"):
    client = gateway.client()
    response = client.post("/till/session", json={"token": gateway.tokens[user]})
    return client, response


def test_a_gateway_serves_only_the_apps_it_names(tmp_path, organisation):
    plain = make_gateway(tmp_path / "plain", organisation)
    assert plain.client().get("/till/").status_code == 404
    with pytest.raises(ConfigError, match="no app named kassa"):
        make_gateway(tmp_path / "unknown", organisation, apps=["kassa"])
    with pytest.raises(ConfigError, match="till needs the budgets chaincode"):
        make_gateway(tmp_path / "no-budgets", organisation, apps=["till"],
                     chaincodes={"registry": {"channel": "kadaster", "chaincode": "registry"}})


def test_pages_and_files_carry_a_strict_policy(gateway):
    client = gateway.client()
    for path in ("/till/", "/till/static/till.js", "/web/static/web.js", "/web/static/web.css"):
        response = client.get(path)
        assert response.status_code == 200, path
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "default-src 'self'" in policy
        assert "'unsafe-inline'" not in policy and "object-src 'none'" in policy
        assert "frame-ancestors 'none'" in policy and "base-uri 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
    page = client.get("/till/").get_data(as_text=True)
    assert "style=" not in page and page.count("<script") == page.count("<script src=") + 1
    assert '<script type="application/json" id="messages">' in page


def test_dutch_by_default_english_on_request_and_remembered(gateway):
    client = gateway.client()
    assert '<html lang="nl">' in client.get("/till/").get_data(as_text=True)
    english = client.get("/till/?lang=en")
    assert '<html lang="en">' in english.get_data(as_text=True)
    assert "grootboek-lang=en" in english.headers["Set-Cookie"]
    assert '<html lang="en">' in client.get("/till/").get_data(as_text=True)
    wrong = client.get("/till/?lang=de")
    assert wrong.status_code == 422 and wrong.get_json()["errors"][0]["field"] == "query.lang"


@pytest.mark.parametrize("name", NAMES)
def test_every_message_exists_in_both_languages(name):
    dutch, english = (i18n.catalog(app(name).folder, language) for language in i18n.LANGUAGES)
    assert dutch.keys() == english.keys() and all(dutch.values()) and all(english.values())
    assert dutch["title"] != english["title"]


def test_the_till_explains_every_refusal_of_the_budgets_chaincode_in_dutch_and_english():
    """Every code the budgets chaincode can refuse a payment, check or refund with, the till's own
    limit, and every gateway code that says "retry", has its plain words in both languages."""
    codes = [*ErrorCode, CHECK_LIMIT.code, PAYMENT_CANCELLED.code, "OUTCOME_UNKNOWN",
             *(entry.code for entry in GATEWAY if entry.action is Action.RETRY)]
    dutch, english = (i18n.catalog(app("till").folder, language) for language in i18n.LANGUAGES)
    for messages in (dutch, english):
        assert [code for code in codes if f"error.{code}" not in messages] == []
    assert all(dutch[f"error.{code}"] != english[f"error.{code}"] for code in codes)


def test_signing_in_sets_a_session_cookie_only_the_gateway_can_read(gateway):
    client, response = _signed_in(gateway)
    assert response.status_code == 201
    body = response.get_json()
    assert body["user"] == "shop" and body["merchant"] == "fietsenwinkel" and len(body["csrf_token"]) > 30
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    for flag in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/"):
        assert flag in cookie
    assert gateway.tokens["shop"] not in cookie
    assert client.get("/till/session").get_json()["csrf_token"] == body["csrf_token"]
    assert client.get("/v1/me").get_json()["name"] == "shop"


def test_sign_in_refusals_say_what_is_wrong(gateway):
    client = gateway.client()
    wrong = client.post("/till/session", json={"token": "gbk_wrong"})
    assert (wrong.status_code, wrong.get_json()["code"]) == (401, "INVALID_TOKEN")
    officer = client.post("/till/session", json={"token": gateway.tokens["officer"]})
    assert officer.status_code == 403 and "role merchant" in officer.get_json()["message"]
    form = client.post("/till/session", data={"token": gateway.tokens["shop"]})
    assert form.status_code == 415  # another site's form cannot sign a browser in
    foreign = client.post("/till/session", json={"token": gateway.tokens["shop"]},
                          headers={"Origin": "https://evil.example"})
    assert foreign.get_json()["code"] == "CSRF_REJECTED"
    assert "Set-Cookie" not in wrong.headers and "Set-Cookie" not in officer.headers


def test_the_rest_api_takes_the_session_cookie_with_its_csrf_token(gateway):
    client, response = _signed_in(gateway)
    csrf = response.get_json()["csrf_token"]
    gateway.invoker.answers["refund"] = lambda call: b'{"id": "p1"}'
    refund = {"amount": 100}
    without = client.post("/v1/budgets/payments/p1/refunds", json=refund)
    assert (without.status_code, without.get_json()["code"]) == (403, "CSRF_REJECTED")
    assert gateway.invoker.calls == []
    with_token = client.post("/v1/budgets/payments/p1/refunds", json=refund, headers={CSRF_HEADER: csrf})
    assert with_token.status_code == 200 and [call.function for _, call in gateway.invoker.calls] == [
        "Budgets:refund"]


def test_signing_out_ends_the_session(gateway):
    client, response = _signed_in(gateway)
    csrf = response.get_json()["csrf_token"]
    assert client.delete("/till/session").get_json()["code"] == "CSRF_REJECTED"
    out = client.delete("/till/session", headers={CSRF_HEADER: csrf})
    assert out.status_code == 204 and f"{SESSION_COOKIE}=;" in out.headers["Set-Cookie"]
    client.set_cookie(SESSION_COOKIE, "stale", domain="localhost")
    assert client.get("/v1/me").get_json()["code"] == "INVALID_SESSION"
    assert json.loads(client.get("/till/session").get_data()) == {"user": None}
