"""Users and tokens in the data dir: only token hashes are stored, revocation and expiry count at
once, roles default from the certificate, and both ways of logging in find the right user."""
from __future__ import annotations

import hashlib

import pytest

from grootboek.api.accounts import AccountError, Accounts
from grootboek.api.auth.authenticate import CSRF_HEADER, SESSION_COOKIE, authenticate
from grootboek.api.auth.roles import Role
from grootboek.api.errors import ApiError
from grootboek.api.store.database import Database
from grootboek.api.store.sessions import Sessions

from .conftest import config_for


@pytest.fixture
def accounts(tmp_path) -> Accounts:
    return Accounts.open(config_for(tmp_path))


@pytest.fixture
def sessions(tmp_path) -> Sessions:
    return Sessions(Database(tmp_path))


def test_roles_default_to_reader_plus_the_certificates_role(accounts, organisation):
    officer = accounts.import_identity("officer", organisation.user_dir("officer") / "msp")
    plain = accounts.import_identity("plain", organisation.user_dir("nobody") / "msp")
    assert officer.roles == {Role.READER, Role.OFFICER} and plain.roles == {Role.READER}
    assert accounts.wallet.get("officer").msp_id == "MunicipalityMSP"


def test_a_merchant_user_names_its_merchant(accounts, organisation):
    msp = organisation.user_dir("shop") / "msp"
    with pytest.raises(AccountError):
        accounts.import_identity("till", msp, {Role.MERCHANT})
    till = accounts.import_identity("till", msp, merchant="fietsenwinkel")
    assert Role.MERCHANT in till.roles and till.merchant == "fietsenwinkel"
    assert accounts.import_identity("till", msp, merchant="fietsenwinkel") == till  # as asked: re-run is a no-op
    with pytest.raises(AccountError, match="user till exists"):
        accounts.import_identity("till", msp, merchant="sportwinkel")  # a different user needs replace
    with pytest.raises(AccountError, match="user till exists"):
        accounts.import_identity("till", organisation.user_dir("officer") / "msp", merchant="fietsenwinkel")
    token, _ = accounts.tokens.issue("till")
    replaced = accounts.import_identity("till", msp, merchant="sportwinkel", replace=True)
    assert replaced.merchant == "sportwinkel" and accounts.users.get("till").merchant == "sportwinkel"
    assert accounts.tokens.user_of(token) == "till"  # replacing a user keeps its tokens


def test_only_the_tokens_hash_is_stored(accounts, organisation, tmp_path):
    accounts.import_identity("officer", organisation.user_dir("officer") / "msp")
    token, info = accounts.tokens.issue("officer", "back office")
    assert token.startswith("gbk_") and len(token) > 40
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("gateway.sqlite*"))  # with the WAL
    assert token.encode() not in stored and hashlib.sha256(token.encode()).hexdigest().encode() in stored
    assert accounts.tokens.user_of(token) == "officer"
    accounts.tokens.revoke(info.id)
    assert accounts.tokens.user_of(token) is None
    assert [t.revoked_at is not None for t in accounts.tokens.list("officer")] == [True]


def test_an_expired_token_no_longer_works(accounts, organisation):
    accounts.import_identity("officer", organisation.user_dir("officer") / "msp")
    token, _ = accounts.tokens.issue("officer", ttl_seconds=-1)
    assert accounts.tokens.user_of(token) is None


def test_removing_a_user_removes_its_tokens_and_identity(accounts, organisation):
    accounts.import_identity("officer", organisation.user_dir("officer") / "msp")
    token, _ = accounts.tokens.issue("officer")
    accounts.remove("officer")
    assert accounts.tokens.user_of(token) is None and "officer" not in accounts.wallet
    assert accounts.tokens.list() == []


def test_authentication_by_token_or_client_certificate(accounts, sessions, organisation):
    tls_cert = organisation.user_dir("officer") / "tls" / "client.crt"
    accounts.import_identity("officer", organisation.user_dir("officer") / "msp", tls_certificate=tls_cert)
    token, _ = accounts.tokens.issue("officer")
    by_token = authenticate({"Authorization": f"Bearer {token}"}, {}, accounts.users, accounts.tokens, sessions)
    pem = tls_cert.read_text()
    by_certificate = authenticate({}, {"SSL_CLIENT_CERT": pem}, accounts.users, accounts.tokens, sessions)
    assert by_token.name == by_certificate.name == "officer"


@pytest.mark.parametrize("headers, environ, code", [
    ({}, {}, "UNAUTHENTICATED"),
    ({"Authorization": "Bearer gbk_unknown"}, {}, "INVALID_TOKEN"),
    ({"Authorization": "Token abc"}, {}, "INVALID_AUTHORIZATION"),
    ({"Cookie": f"{SESSION_COOKIE}=unknown"}, {}, "INVALID_SESSION"),
])
def test_authentication_failures_are_401_with_a_challenge(accounts, sessions, headers, environ, code):
    with pytest.raises(ApiError) as error:
        authenticate(headers, environ, accounts.users, accounts.tokens, sessions)
    assert (error.value.status, error.value.code) == (401, code)
    assert error.value.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_certificate_bound_to_no_user_is_refused(accounts, sessions, organisation):
    pem = (organisation.user_dir("shop") / "tls" / "client.crt").read_text()
    with pytest.raises(ApiError) as error:
        authenticate({}, {"SSL_CLIENT_CERT": pem}, accounts.users, accounts.tokens, sessions)
    assert error.value.code == "UNKNOWN_CLIENT_CERTIFICATE"


def test_a_session_authenticates_until_signed_out_or_its_token_is_revoked(accounts, sessions, organisation,
                                                                          tmp_path):
    accounts.import_identity("officer", organisation.user_dir("officer") / "msp")
    token, info = accounts.tokens.issue("officer")
    assert sessions.open("gbk_unknown") is None
    first, _ = sessions.open(token)
    second, _ = sessions.open(token)
    cookie = {"Cookie": f"{SESSION_COOKIE}={first}"}
    assert authenticate(cookie, {"REQUEST_METHOD": "GET"}, accounts.users, accounts.tokens, sessions).name == "officer"
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("gateway.sqlite*"))
    assert first.encode() not in stored
    sessions.close(first)
    assert sessions.find(first) is None and sessions.find(second) is not None
    accounts.tokens.revoke(info.id)
    assert sessions.find(second) is None


def test_a_session_changes_nothing_without_its_csrf_token_or_from_another_site(accounts, sessions, organisation):
    accounts.import_identity("officer", organisation.user_dir("officer") / "msp")
    token, _ = accounts.tokens.issue("officer")
    session_id, session = sessions.open(token)
    post = {"REQUEST_METHOD": "POST"}
    cookie = {"Cookie": f"{SESSION_COOKIE}={session_id}", "Host": "till.example:8443"}
    for headers in (cookie, {**cookie, CSRF_HEADER: "forged"},
                    {**cookie, CSRF_HEADER: session.csrf, "Origin": "https://evil.example"},
                    {**cookie, CSRF_HEADER: session.csrf, "Sec-Fetch-Site": "cross-site"}):
        with pytest.raises(ApiError) as error:
            authenticate(headers, post, accounts.users, accounts.tokens, sessions)
        assert (error.value.status, error.value.code) == (403, "CSRF_REJECTED")
    same_origin = {**cookie, CSRF_HEADER: session.csrf, "Origin": "https://till.example:8443",
                   "Sec-Fetch-Site": "same-origin"}
    assert authenticate(same_origin, post, accounts.users, accounts.tokens, sessions).name == "officer"


def test_a_client_certificate_changes_nothing_from_another_site(accounts, sessions, organisation):
    tls_cert = organisation.user_dir("officer") / "tls" / "client.crt"
    accounts.import_identity("officer", organisation.user_dir("officer") / "msp", tls_certificate=tls_cert)
    environ = {"SSL_CLIENT_CERT": tls_cert.read_text(), "REQUEST_METHOD": "POST"}
    with pytest.raises(ApiError) as error:
        authenticate({"Origin": "https://evil.example", "Host": "gw:1"}, environ, accounts.users,
                     accounts.tokens, sessions)
    assert error.value.code == "CSRF_REJECTED"
    assert authenticate({}, environ, accounts.users, accounts.tokens, sessions).name == "officer"
