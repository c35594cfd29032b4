"""Builds the OpenAPI document from RouteSpecs: paths and parameters from the routes, schemas
from the models (pydantic's JSON Schema, which OpenAPI 3.1 speaks natively)."""
from __future__ import annotations

import re
from typing import Any, Iterable

from pydantic import TypeAdapter

from ..errors import ErrorBody, catalog
from ..routing.route import RouteSpec
from ..routing.validation import IDEMPOTENCY_KEY_PATTERN, PATH_PARAMETER_PATTERN

OPENAPI_VERSION = "3.1.0"
REF_TEMPLATE = "#/components/schemas/{model}"
_PATH_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
JSON = "application/json"
_STATUS_DESCRIPTIONS = {400: "Malformed request", 401: "Not authenticated", 403: "Not allowed",
                        404: "Not found", 408: "Request timeout", 409: "Conflict with the ledger's state",
                        413: "Body too large", 415: "Unsupported media type", 422: "Refused input (a validation error names the fields)",
                        502: "Chaincode or orderer failure", 503: "Peer unavailable or gateway overloaded",
                        504: "Timed out; the outcome may be unknown"}
SECURITY_SCHEMES = {
    "bearerAuth": {"type": "http", "scheme": "bearer", "description": "An API token (gbk_...)"},
    "mutualTLS": {"type": "mutualTLS", "description": "A client certificate bound to a user"},
}


def openapi_path(rule: str) -> str:
    return _PATH_PARAMETER.sub(r"{\1}", rule)


def document(specs: Iterable[RouteSpec], title: str, version: str, description: str = "", *,
             max_body_bytes: int) -> dict[str, Any]:
    """`max_body_bytes`: the gateway's body limit (`limits.max_body_bytes`), stated on each
    operation that takes a body, so a client reads the limit the front enforces."""
    specs = list(specs)
    schemas, definitions = _schemas(specs)
    paths: dict[str, dict[str, Any]] = {}
    for spec in specs:
        paths.setdefault(openapi_path(spec.path), {})[spec.method.lower()] = _operation(spec, schemas, definitions, max_body_bytes)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": version, "description": description},
        "paths": paths,
        "components": {"schemas": _referenced(paths, definitions), "securitySchemes": SECURITY_SCHEMES},
    }


def _referenced(paths: dict, definitions: dict) -> dict:
    """The definitions the paths use, directly or through other definitions (query models are
    spelled out as parameters, so theirs would otherwise linger)."""
    names: set[str] = set()
    pending = _refs(paths)
    while pending:
        name = pending.pop()
        if name not in names:
            names.add(name)
            pending |= _refs(definitions[name])
    return {name: schema for name, schema in definitions.items() if name in names}


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[1]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(item) for item in node))
    return set()


def _schemas(specs: list[RouteSpec]) -> tuple[dict, dict]:
    inputs: list[tuple[Any, Any, TypeAdapter]] = [(("error", ""), "serialization", TypeAdapter(ErrorBody))]
    for spec in specs:
        if spec.body is not None:
            inputs.append(((spec.endpoint, "body"), "validation", TypeAdapter(spec.body)))
        if spec.query is not None:
            inputs.append(((spec.endpoint, "query"), "validation", TypeAdapter(spec.query)))
        if spec.response is not None:
            inputs.append(((spec.endpoint, "response"), "serialization", TypeAdapter(spec.response)))
    mapping, definitions = TypeAdapter.json_schemas(inputs, ref_template=REF_TEMPLATE)
    schemas = {key: schema for (key, _mode), schema in mapping.items()}
    return schemas, definitions.get("$defs", {})


def _operation(spec: RouteSpec, schemas: dict, definitions: dict, max_body_bytes: int) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": spec.endpoint.replace(".", "_"),
        "summary": spec.summary,
        "tags": [spec.tag],
        "parameters": _parameters(spec, schemas, definitions),
        "responses": _responses(spec, schemas, definitions),
        "security": [] if spec.public else [{"bearerAuth": []}, {"mutualTLS": []}],
    }
    if spec.description:
        operation["description"] = spec.description
    if spec.roles is not None:
        roles = ", ".join(sorted(spec.roles))
        operation["description"] = (operation.get("description", "") + f"\n\nRoles: {roles}.").strip()
    if spec.body is not None:
        schema = schemas[(spec.endpoint, "body")]
        operation["requestBody"] = {
            "required": True, "x-max-body-bytes": max_body_bytes,
            "description": f"At most {max_body_bytes} bytes (`limits.max_body_bytes`), whether sent with "
                           "Content-Length or chunked; a larger body is answered 413 REQUEST_TOO_LARGE.",
            "content": {spec.body_type: {"schema": schema, "examples": _examples(schema, definitions)}}}
    return operation


def _examples(schema: dict, definitions: dict) -> dict[str, Any]:
    """The body model's own examples (its JSON Schema's `examples`), as the operation's: one place
    writes them, the model."""
    return {f"example {number}": {"value": value}
            for number, value in enumerate(_resolve(schema, definitions).get("examples", ()), 1)}


_NONE = object()
"""What _example answers for a schema it can make no example of."""


def _example(schema: dict, definitions: dict) -> Any:
    """A value of `schema`: the model's own first example (written once, on the model), else one
    made of its parts' (a list of models, a page of them), else _NONE."""
    schema = _resolve(schema, definitions)
    if schema.get("examples"):
        return schema["examples"][0]
    if "default" in schema:
        return schema["default"]
    if schema.get("type") == "array" and "items" in schema:
        item = _example(schema["items"], definitions)
        return _NONE if item is _NONE else [item]
    if schema.get("type") != "object" or "properties" not in schema:
        return _NONE
    value = {}
    for name, part in schema["properties"].items():
        example = _example(part, definitions)
        if example is not _NONE:
            value[name] = example
        elif name in schema.get("required", ()):
            return _NONE
    return value


def _parameters(spec: RouteSpec, schemas: dict, definitions: dict) -> list[dict[str, Any]]:
    parameters = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "string", "pattern": PATH_PARAMETER_PATTERN}}
                  for name in _PATH_PARAMETER.findall(spec.path)]
    if spec.query is not None:
        query = _resolve(schemas[(spec.endpoint, "query")], definitions)
        required = set(query.get("required", ()))
        for name, schema in query.get("properties", {}).items():
            schema = {key: value for key, value in schema.items() if key != "title"}
            parameter = {"name": name, "in": "query", "required": name in required, "schema": schema}
            if "description" in schema:
                parameter["description"] = schema.pop("description")
            parameters.append(parameter)
    if spec.idempotent:
        parameters.append({"name": "Idempotency-Key", "in": "header", "required": False,
                           "description": "Makes a repeat of this write return the first result instead "
                                          "of submitting again (kept 24 hours per user)",
                           "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN},
                           "example": "till-7-2024-05-01-0042"})
    if spec.media_type == "text/event-stream":
        parameters.append({"name": "Last-Event-ID", "in": "header", "required": False,
                           "description": "Resume after this event id (<block>:<transaction id>)",
                           "schema": {"type": "string", "pattern": r"^[0-9]{1,19}:[A-Za-z0-9._:-]{1,128}$"},
                           "example": "12:0f3c9a"})
    return parameters


def _resolve(schema: dict, definitions: dict) -> dict:
    ref = schema.get("$ref")
    return definitions[ref.rsplit("/", 1)[1]] if isinstance(ref, str) else schema


def error_codes(spec: RouteSpec) -> list[catalog.Entry]:
    """The codes this operation may answer with, besides those of any request (the error table)."""
    scopes = set()
    if not spec.public:
        scopes.add(catalog.Scope.AUTHENTICATED)
    if spec.body is not None or spec.query is not None or _PATH_PARAMETER.search(spec.path):
        scopes.add(catalog.Scope.INPUT)
    if spec.body is not None:
        scopes.add(catalog.Scope.BODY)
    if spec.refusals is not None:
        scopes.add(catalog.Scope.FABRIC)
    if spec.idempotent and spec.refusals is not None:
        scopes.add(catalog.Scope.WRITE)
    codes = [entry for entry in (*catalog.GATEWAY, catalog.OUTCOME_UNKNOWN_TIMEOUT)
             if entry.scope in scopes]
    return codes + list(spec.own_codes) + list(spec.refusals or ())


def _responses(spec: RouteSpec, schemas: dict, definitions: dict) -> dict[str, Any]:
    error_schema = schemas[("error", "")]
    responses: dict[str, Any] = {}
    if spec.response is None:
        responses["204"] = {"description": "Done; no content"}
    else:
        success: dict[str, Any] = {"schema": schemas[(spec.endpoint, "response")]}
        example = _example(success["schema"], definitions)
        if example is not _NONE:
            success["examples"] = {"example": {"value": example}}
        responses[str(spec.status)] = {"description": "Success", "content": {spec.media_type: success}}
        if spec.status != 200 or spec.idempotent:
            # A chaincode function that returns nothing answers 204.
            responses.setdefault("204", {"description": "Done; no content"})
    by_status: dict[int, dict[str, catalog.Entry]] = {status: {} for status in spec.responses}
    for entry in error_codes(spec):
        by_status.setdefault(entry.status, {}).setdefault(entry.code, entry)
    for status, codes in sorted(by_status.items()):
        description = _STATUS_DESCRIPTIONS.get(status, "Error")
        content: dict[str, Any] = {"schema": error_schema}
        if codes:
            description += ". Codes: " + ", ".join(codes)
            content["examples"] = {code: {"summary": entry.meaning, "value": {
                "code": code, "message": entry.meaning}} for code, entry in codes.items()}
        responses[str(status)] = {"description": description, "content": {JSON: content}}
    responses["default"] = {"description": "Any other error (see the error table)",
                            "content": {JSON: {"schema": error_schema}}}
    return responses
