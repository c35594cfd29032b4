"""Routes of one area (a Flask blueprint) declared with their inputs, roles and response.

    routes = Routes("registry", "/v1/registry", tag="Land registry")

    @routes.post("/parcels", body=ParcelRegistration, response=ParcelFile, status=201,
                 roles={Role.REGISTRAR}, summary="Register a parcel")
    def register_parcel(user: User, body: ParcelRegistration) -> ChaincodeCall:
        return registry.write("Parcels:register_parcel", body)

A handler gets the authenticated user, the path parameters and the validated `query`/`body`, and
returns a ChaincodeCall (evaluated, or submitted idempotently, by the gateway), a model, or a
ready Flask response.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import Blueprint, Response, request
from pydantic import BaseModel

from grootboek.client import GatewayError

from ..auth.authenticate import authenticate
from ..auth.roles import Role
from ..auth.user import User
from ..errors import ApiError
from ..errors.catalog import Entry
from ..errors.mapping import IDENTITY_REFUSED, to_api_error
from ..fabric.calls import ChaincodeCall
from ..fabric.writes import Shape, fingerprint
from ..services import Services, current_services
from ..store.idempotency import StoredResponse
from . import validation

JSON = "application/json"
EVENT_STREAM = "text/event-stream"


@dataclass(frozen=True)
class RouteSpec:
    method: str
    path: str
    """The full URL rule in Flask syntax (`/v1/registry/parcels/<parcel_id>`)."""
    endpoint: str
    summary: str
    description: str
    tag: str
    roles: frozenset[Role] | None
    """Any of these roles may call it; None: any authenticated user."""
    public: bool = False
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: Any = None
    """The success body's type (a model, `list[Model]`, ...), None for no body."""
    status: int = 200
    media_type: str = JSON
    shape: Shape | None = None
    body_type: str = JSON
    """The Content-Type a body must be sent as (415 otherwise)."""
    responses: tuple[int, ...] = ()
    """Error statuses worth documenting besides those every route has."""
    idempotent: bool = False
    """It submits a transaction: an Idempotency-Key header makes repeats safe."""
    refusals: tuple[Entry, ...] | None = None
    """The codes its chaincode (or the ledger) may refuse it with; None: it calls no chaincode."""
    own_codes: tuple[Entry, ...] = ()
    """The gateway's codes only this operation answers with (its own limits, say)."""
    audited: bool = False
    """Every call goes to the audit trail (a read of personal data); an officer's changes always do."""


def json_result(status: int) -> Shape:
    """The chaincode's JSON result as the body (204 when it returned nothing)."""
    def shape(result: bytes, transaction_id: str) -> StoredResponse:
        return StoredResponse(status if result else 204, result, transaction_id or None)
    return shape


class Routes:
    def __init__(self, name: str, url_prefix: str, tag: str,
                 refusals: tuple[Entry, ...] | None = None) -> None:
        """`refusals`: the error codes of the chaincode the area calls (None: it calls none)."""
        self.blueprint = Blueprint(name, __name__, url_prefix=url_prefix)
        self.url_prefix = url_prefix
        self.tag = tag
        self.refusals = refusals
        self.specs: list[RouteSpec] = []

    def get(self, rule: str, **options: Any) -> Callable:
        return self.route("GET", rule, **options)

    def post(self, rule: str, **options: Any) -> Callable:
        return self.route("POST", rule, **options)

    def put(self, rule: str, **options: Any) -> Callable:
        return self.route("PUT", rule, **options)

    def delete(self, rule: str, **options: Any) -> Callable:
        return self.route("DELETE", rule, **options)

    def route(self, method: str, rule: str, *, summary: str, roles: set[Role] | None = None,
              public: bool = False, body: type[BaseModel] | None = None,
              query: type[BaseModel] | None = None, response: Any = None, status: int = 200,
              media_type: str = JSON, body_type: str = JSON, shape: Shape | None = None,
              responses: tuple[int, ...] = (), idempotent: bool | None = None,
              own_codes: tuple[Entry, ...] = (), audited: bool = False) -> Callable:
        """`idempotent` defaults to True for every method but GET on non-public routes."""
        def register(handler: Callable) -> Callable:
            spec = RouteSpec(method=method, path=self.url_prefix + rule,
                             endpoint=f"{self.blueprint.name}.{handler.__name__}", summary=summary,
                             description=(handler.__doc__ or "").strip(), tag=self.tag,
                             roles=None if roles is None else frozenset(roles), public=public,
                             body=body, query=query, response=response, status=status,
                             media_type=media_type, body_type=body_type, shape=shape, responses=responses,
                             idempotent=(method != "GET" and not public) if idempotent is None
                             else idempotent, refusals=self.refusals, own_codes=own_codes, audited=audited)
            self.blueprint.add_url_rule(rule, endpoint=handler.__name__, methods=[method],
                                        view_func=_view(spec, handler))
            self.specs.append(spec)
            return handler
        return register


def _view(spec: RouteSpec, handler: Callable) -> Callable:
    def view(**path: str) -> Response:
        services = current_services()
        user = None
        if not spec.public:
            user = authenticate(request.headers, request.environ, services.users, services.tokens,
                                services.sessions)
            if spec.roles is not None and not user.has_any(spec.roles):
                needed = ", ".join(sorted(spec.roles))
                raise ApiError(403, "FORBIDDEN", f"user {user.name} lacks the role for this (one of: "
                                                 f"{needed})")
        if user is not None and (spec.audited or (spec.method != "GET" and Role.OFFICER in user.roles)):
            return _audited(spec, services, user, path, lambda: _answer(spec, services, user, path, handler))
        return _answer(spec, services, user, path, handler)

    view.__name__ = spec.endpoint.replace(".", "_")
    return view


def _answer(spec: RouteSpec, services: Services, user: User | None, path: dict[str, str],
            handler: Callable) -> Response:
    inputs: dict[str, Any] = validation.path_parameters(path)
    if spec.query is not None:
        inputs["query"] = validation.query(spec.query, request.args)
    if spec.body is not None:
        inputs["body"] = validation.body(spec.body, request.get_data(cache=True), request.mimetype,
                                         spec.body_type)
    outcome = handler(user, **inputs) if not spec.public else handler(**inputs)
    return _render(spec, services, user, outcome)


SUBJECTS = ("budget_id", "scheme_id", "merchant_id")


def _audited(spec: RouteSpec, services: Services, user: User, path: dict[str, str],
             answer: Callable[[], Response]) -> Response:
    """`answer()`, with an entry in the audit trail for its outcome, a refusal included."""
    subjects = {name: path.get(name) for name in SUBJECTS}
    if spec.body is not None and request.is_json:
        body = request.get_json(silent=True, cache=True)
        if isinstance(body, dict):
            # A body's `id` names what it creates: a scheme when posted to /schemes, and so on.
            created = spec.path.rsplit("/", 1)[-1].removesuffix("s") + "_id"
            for name in SUBJECTS:
                value = body.get(name, body.get("id") if name == created else None)
                if isinstance(value, str) and not subjects[name]:
                    subjects[name] = value
    action = spec.endpoint
    try:
        response = answer()
    except Exception as exc:
        error = to_api_error(exc) if isinstance(exc, (ApiError, GatewayError)) else None
        services.audit.record(user.name, action, request.path, error.status if error else 500,
                              error.code if error else "INTERNAL", transaction_id=error and error.transaction_id,
                              **subjects)
        raise
    services.audit.record(user.name, action, request.path, response.status_code, "ok",
                          transaction_id=response.headers.get("X-Transaction-Id"), **subjects)
    return response


def _render(spec: RouteSpec, services: Services, user: User | None, outcome: Any) -> Response:
    if isinstance(outcome, Response):
        return outcome
    if isinstance(outcome, BaseModel):
        return Response(outcome.model_dump_json(), status=spec.status, mimetype=JSON)
    if not isinstance(outcome, ChaincodeCall):
        raise TypeError(f"{spec.endpoint} returned {type(outcome).__name__}")
    assert user is not None
    try:
        return _call(services, user, outcome, spec.shape or json_result(spec.status))
    except (GatewayError, ApiError) as exc:
        error = to_api_error(exc)
        if error.code == IDENTITY_REFUSED:
            raise services.refusals.explain(user, outcome.channel, error) from None
        raise


def _call(services: Services, user: User, outcome: ChaincodeCall, shape: Shape) -> Response:
    if not outcome.write:
        return _response(shape(services.invoker.evaluate(user, outcome), ""))
    key = validation.idempotency_key(request.headers.get("Idempotency-Key"))
    request_fingerprint = fingerprint(request.method, request.full_path, request.get_data(cache=True))
    result = services.writes.execute(user, outcome, shape, key, request_fingerprint)
    response = _response(result.response)
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _response(stored: StoredResponse) -> Response:
    response = Response(stored.body if stored.status != 204 else b"", status=stored.status,
                        mimetype=JSON if stored.status != 204 else None)
    if stored.transaction_id:
        response.headers["X-Transaction-Id"] = stored.transaction_id
    return response
