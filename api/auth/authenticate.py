"""Finding the user behind a request: a bearer token, else a mutual-TLS client certificate."""
from __future__ import annotations

import hashlib
import ssl
from typing import Any, Mapping

from ..errors import ApiError
from ..store.tokens import Tokens
from ..store.users import UnknownUser, Users
from .user import User

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="grootboek"'}


def authenticate(headers: Mapping[str, str], environ: Mapping[str, Any], users: Users,
                 tokens: Tokens) -> User:
    header = headers.get("Authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthenticated("INVALID_AUTHORIZATION", "use 'Authorization: Bearer <token>'")
        name = tokens.user_of(token.strip())
        if name is None:
            raise _unauthenticated("INVALID_TOKEN", "the token is unknown, expired or revoked")
        return _user(users, name)
    certificate = client_certificate(environ)
    if certificate is not None:
        user = users.by_tls_certificate(hashlib.sha256(certificate).hexdigest())
        if user is None:
            raise _unauthenticated("UNKNOWN_CLIENT_CERTIFICATE",
                                   "the client certificate is not bound to a user of this gateway")
        return user
    raise _unauthenticated("UNAUTHENTICATED", "a bearer token or a client certificate is required")


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
