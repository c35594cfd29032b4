"""A web app's blueprint: its page at /<app>/, its files at /<app>/static/, and sign-in at
/<app>/session; plus the shared blueprint with the common files at /web/static/.

Signing in exchanges a gateway token (sent once, in a JSON body: never in a URL, never logged) for
a session cookie (api/store/sessions.py) that the app's scripts cannot read, and a CSRF token that
they send back on every change (api/auth/authenticate.py checks both). A JSON body also keeps other
sites from signing a browser in: their forms cannot send one, and their scripts' requests would need
a CORS answer the gateway never gives."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from flask import Blueprint, Response, jsonify, render_template, request
from pydantic import BaseModel, ConfigDict, Field

from ...auth.authenticate import SESSION_COOKIE, authenticate, refuse_cross_site, session_cookie
from ...auth.roles import Role
from ...errors import ApiError
from ...routing import validation
from ...services import current_services
from ...store.sessions import Session
from . import i18n, security

SHARED_FOLDER = Path(__file__).parent
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600


@dataclass(frozen=True)
class WebApp:
    name: str
    """Also its URL prefix (/till/) and the name in the gateway's `apps:`."""
    folder: Path
    """Its package: templates/<name>/, static/, messages/<language>.json."""
    roles: frozenset[Role]
    """Who may sign in to it."""
    chaincode: str
    """The chaincode (a key of the gateway's `chaincodes:`) its pages work with."""
    routes: Callable[[Blueprint], None] | None = None
    """Adds the app's own routes to its blueprint (the wallet's service worker)."""
    blueprint_name: str | None = None
    """Its blueprint's name in url_for ('<name>.static'), when not its name: the registry's is
    taken by the REST area of the same name."""


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1, max_length=256)


def shared() -> Blueprint:
    web = Blueprint("web", __name__, url_prefix="/web", static_folder=str(SHARED_FOLDER / "static"),
                    template_folder=str(SHARED_FOLDER / "templates"))
    web.after_request(security.apply)
    return web


def blueprint(app: WebApp) -> Blueprint:
    pages = Blueprint(app.blueprint_name or app.name, f"{__name__}.{app.name}", url_prefix=f"/{app.name}",
                      static_folder=str(app.folder / "static"), template_folder=str(app.folder / "templates"))
    pages.after_request(security.apply)
    if app.routes is not None:
        app.routes(pages)

    @pages.get("/")
    def page() -> Response:
        language, chosen = i18n.language(request)
        messages = i18n.catalog(app.folder, language)
        response = Response(render_template(f"{app.name}/index.html", app=app.name, lang=language,
                                            languages=i18n.LANGUAGES, messages=messages,
                                            t=lambda key: messages[key]), mimetype="text/html")
        if chosen:
            response.set_cookie(i18n.COOKIE, language, max_age=LANGUAGE_COOKIE_SECONDS, secure=True,
                                httponly=True, samesite="Strict", path=f"/{app.name}/")
        return response

    @pages.get("/session")
    def current() -> Response:
        """Who is signed in (`user` null: nobody), and the CSRF token the app's scripts send with
        changes. Not a 401 when nobody is: asking is how a page learns which screen to show."""
        services = current_services()
        session_id = session_cookie(request.headers)
        session = services.sessions.find(session_id) if session_id else None
        return jsonify(user=None) if session is None else _signed_in(session)

    @pages.post("/session")
    def sign_in() -> Response:
        refuse_cross_site(request.headers)
        body = validation.body(SignIn, request.get_data(cache=True), request.mimetype, "application/json")
        services = current_services()
        name = services.tokens.user_of(body.token)
        if name is None:
            raise ApiError(401, "INVALID_TOKEN", "the token is unknown, expired or revoked")
        user = services.users.get(name)
        if not user.has_any(app.roles):
            raise ApiError(403, "FORBIDDEN", f"user {name} may not use the {app.name} (it needs the role "
                                             f"{', '.join(sorted(app.roles))})")
        opened = services.sessions.open(body.token)
        if opened is None:  # revoked between the two reads
            raise ApiError(401, "INVALID_TOKEN", "the token is unknown, expired or revoked")
        session_id, session = opened
        response = _signed_in(session)
        response.status_code = 201
        response.set_cookie(SESSION_COOKIE, session_id, expires=session.expires_at, secure=True, httponly=True,
                            samesite="Strict", path="/")
        return response

    @pages.delete("/session")
    def sign_out() -> Response:
        services = current_services()
        authenticate(request.headers, request.environ, services.users, services.tokens, services.sessions)
        session_id = session_cookie(request.headers)
        if session_id is None:  # authenticated otherwise: there is no session to end
            raise ApiError(401, "UNAUTHENTICATED", "not signed in")
        services.sessions.close(session_id)
        response = Response(status=204)
        response.delete_cookie(SESSION_COOKIE, secure=True, httponly=True, samesite="Strict", path="/")
        return response

    return pages


def _signed_in(session: Session) -> Response:
    user = current_services().users.get(session.user)
    return jsonify(user=user.name, merchant=user.merchant, roles=sorted(user.roles),
                   csrf_token=session.csrf, expires_at=session.expires_at)
