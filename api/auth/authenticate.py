"""Finding the user behind a request: a bearer token, else a web app's session cookie, else a
mutual-TLS client certificate.

A browser sends cookies and client certificates with any request, also one a foreign page makes it
send, so those two guard state-changing requests against cross-site forgery: a session's requests
must carry its CSRF token in `X-CSRF-Token` (which only the app's own scripts can read), and no
such request may come from another site (`Origin`, `Sec-Fetch-Site`). A bearer token is never sent
by a browser on its own, so token requests are unaffected."""
from __future__ import annotations

import hashlib
import hmac
import ssl
from typing import Any, Mapping
from urllib.parse import urlsplit

from werkzeug.http import parse_cookie

from ..errors import ApiError
from ..store.sessions import Sessions
from ..store.tokens import Tokens
from ..store.users import UnknownUser, Users
from .user import User

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="grootboek"'}
SESSION_COOKIE = "__Host-grootboek-session"
"""`__Host-`: the browser keeps it only if Secure, for this host alone, on path /."""
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def authenticate(headers: Mapping[str, str], environ: Mapping[str, Any], users: Users,
                 tokens: Tokens, sessions: Sessions) -> User:
    header = headers.get("Authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthenticated("INVALID_AUTHORIZATION", "use 'Authorization: Bearer <token>'")
        name = tokens.user_of(token.strip())
        if name is None:
            raise _unauthenticated("INVALID_TOKEN", "the token is unknown, expired or revoked")
        return _user(users, name)
    session_id = session_cookie(headers)
    if session_id is not None:
        session = sessions.find(session_id)
        if session is None:
            raise _unauthenticated("INVALID_SESSION", "the session has ended (signed out, expired, or "
                                                      "its token revoked): sign in again")
        if environ.get("REQUEST_METHOD") not in SAFE_METHODS:
            refuse_cross_site(headers)
            if not hmac.compare_digest(headers.get(CSRF_HEADER, ""), session.csrf):
                raise ApiError(403, "CSRF_REJECTED", f"a request with the session cookie that changes "
                                                     f"something must send the session's {CSRF_HEADER}")
        return _user(users, session.user)
    certificate = client_certificate(environ)
    if certificate is not None:
        if environ.get("REQUEST_METHOD") not in SAFE_METHODS:
            refuse_cross_site(headers)
        user = users.by_tls_certificate(hashlib.sha256(certificate).hexdigest())
        if user is None:
            raise _unauthenticated("UNKNOWN_CLIENT_CERTIFICATE",
                                   "the client certificate is not bound to a user of this gateway")
        return user
    raise _unauthenticated("UNAUTHENTICATED", "a bearer token or a client certificate is required")


def session_cookie(headers: Mapping[str, str]) -> str | None:
    return parse_cookie(headers.get("Cookie", "")).get(SESSION_COOKIE) or None


def refuse_cross_site(headers: Mapping[str, str]) -> None:
    """Refuses a request another site's page made the browser send (browsers say so; other
    clients send neither header)."""
    origin = headers.get("Origin")
    if headers.get("Sec-Fetch-Site") in {"cross-site", "same-site"} or (
            origin is not None and urlsplit(origin).netloc != headers.get("Host")):
        raise ApiError(403, "CSRF_REJECTED", "a request from another site's page is refused")


def client_certificate(environ: Mapping[str, Any]) -> bytes | None:
    """The verified client certificate (DER) of a mutual TLS connection, if any: the front (and
    servers such as Apache's mod_ssl) put it in the WSGI environ as PEM."""
    pem = environ.get("SSL_CLIENT_CERT")
    if pem:
        return ssl.PEM_cert_to_DER_cert(pem)
    return None


def _user(users: Users, name: str) -> User:
    try:
        return users.get(name)
    except UnknownUser:
        raise _unauthenticated("INVALID_TOKEN", "the token's user no longer exists") from None


def _unauthenticated(code: str, message: str) -> ApiError:
    return ApiError(401, code, message, headers=_CHALLENGE)
