"""The OpenAPI document: every route in it, resolvable schemas, security, and a schemathesis fuzz
of the whole API on a fake Fabric that refuses everything (no 5xx, every answer as documented)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import grpc
import schemathesis
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from pydantic import TypeAdapter
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from grootboek.api.app import domain_areas
from grootboek.api.areas import generic
from grootboek.api.openapi import docs
from grootboek.api.openapi.document import openapi_path
from grootboek.client import EndorseError, ErrorDetail
from tests import doc_examples

from .conftest import config_for, make_gateway

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _document(gateway) -> dict:
    response = gateway.client().get("/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_every_route_is_documented_with_resolvable_schemas(gateway):
    document = _document(gateway)
    rules = {(openapi_path(rule.rule), method.lower()) for rule in gateway.app.url_map.iter_rules()
             for method in rule.methods - {"HEAD", "OPTIONS"} if rule.endpoint != "static"}
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert rules == documented
    text = str(document)
    for name in document["components"]["schemas"]:
        assert f"#/components/schemas/{name}" in text
    pay = document["paths"]["/v1/budgets/payments"]["post"]
    body = pay["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/PaymentRequest"}
    assert "Idempotency-Key" in {p["name"] for p in pay["parameters"]}
    assert pay["security"] == [{"bearerAuth": []}, {"mutualTLS": []}]
    assert document["paths"]["/health/live"]["get"]["security"] == []


def test_the_document_validates_against_the_openapi_3_1_schema(gateway):
    document = _document(gateway)
    validate(document)  # raises on any violation
    broken = {**document, "paths": {"/x": {"get": {"responses": {"200": {"description": 1}}}}}}
    try:
        validate(broken)
    except OpenAPIValidationError:
        pass
    else:
        raise AssertionError("the validator accepted a number as a description")


def test_query_and_header_parameters_are_documented(gateway):
    paths = _document(gateway)["paths"]

    def parameters(path: str, method: str = "get") -> dict[str, dict]:
        return {(p["in"], p["name"]): p for p in paths[path][method]["parameters"]}

    history = parameters("/v1/budgets/budgets/{budget_id}/history")
    assert set(history) == {("path", "budget_id"), ("query", "page_size"), ("query", "bookmark"),
                            ("query", "holder_token")}
    assert history["query", "page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100,
                                                       "default": 20}
    assert "previous page" in history["query", "bookmark"]["description"]
    ownership = parameters("/v1/registry/parcels/{parcel_id}/ownership")
    assert ownership["query", "at"]["required"] is True
    events = parameters("/v1/budgets/events")
    assert {("query", "start_block"), ("header", "Last-Event-ID")} <= set(events)
    assert ("header", "Idempotency-Key") in parameters("/v1/budgets/payments", "post")


def _check_examples(where: str, content: dict, document: dict, model: object | None) -> int:
    """Each example of a body or answer fits its schema and, if its model is known, the model (its
    validators too); how many there are (at least one)."""
    examples = [example["value"] for example in content.get("examples", {}).values()]
    assert examples, f"{where}: give its model examples (json_schema_extra; api/areas/common.py examples())"
    schema = Draft202012Validator({**content["schema"], "components": document["components"]},
                                  format_checker=Draft202012Validator.FORMAT_CHECKER)
    for example in examples:
        assert [error.message for error in schema.iter_errors(example)] == [], where
        if model is not None:
            TypeAdapter(model).validate_json(json.dumps(example))
    return len(examples)


def test_every_request_body_has_examples_that_its_schema_and_its_model_accept(gateway, tmp_path):
    document = _document(gateway)
    models = {(openapi_path(spec.path), spec.method.lower()): spec.body
              for area in (generic.routes(), *domain_areas(config_for(tmp_path))) for spec in area.specs if spec.body}
    assert len(models) >= 25
    for (path, method), model in models.items():
        (content,) = document["paths"][path][method]["requestBody"]["content"].values()
        _check_examples(f"{method.upper()} {path}", content, document, model)
    pay = document["paths"]["/v1/budgets/payments"]["post"]["requestBody"]["content"]["application/json"]
    schema = Draft202012Validator({**pay["schema"], "components": document["components"]})
    assert not schema.is_valid({"amount": 4500, "category": "bicycles"})  # the check can refuse one
    assert {"amount": 4500, "category": "bicycles"} | {"code": pay["examples"]["example 1"]["value"]["code"]} == (
        pay["examples"]["example 1"]["value"])


def test_every_success_response_has_an_example_that_its_schema_and_its_model_accept(gateway, tmp_path):
    document = _document(gateway)
    models = {(openapi_path(spec.path), spec.method.lower()): spec.response
              for area in (generic.routes(), *domain_areas(config_for(tmp_path))) for spec in area.specs
              if spec.response is not None}
    checked = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                for media_type, content in response.get("content", {}).items():
                    if not status.startswith("2") or media_type in ("text/plain", "text/html") \
                            or path == "/openapi.json":
                        continue
                    checked += _check_examples(f"{method.upper()} {path} {status}", content, document,
                                               models.get((path, method)))
    assert checked >= 60
    balance = document["paths"]["/v1/budgets/budgets/{budget_id}/balance"]["get"]["responses"]["200"]
    value = balance["content"]["application/json"]["examples"]["example"]["value"]
    schema = Draft202012Validator({**balance["content"]["application/json"]["schema"],
                                   "components": document["components"]})
    assert value["budget_id"] == "b-voorbeeld-1" and not schema.is_valid(value | {"balance": "20500"})


def test_request_examples_name_nothing_the_documentation_or_the_tests_create(gateway):
    """The live fuzz (tests/integration/api/test_openapi_fuzz.py) may send these examples to the shared
    network, where the documentation's examples and the other tests create their own schemes,
    merchants and budgets: an example must not take one of their ids first."""
    ids = {value for item in _document(gateway)["paths"].values() for operation in item.values()
           for content in operation.get("requestBody", {}).get("content", {}).values()
           for example in content.get("examples", {}).values() for key, value in example["value"].items()
           if key in ("id", "scheme_id", "merchant_id", "budget_id", "beneficiary")}
    assert {"voorbeeldregeling", "voorbeeldwinkel", "b-voorbeeld-1"} <= ids
    texts = {block.where: block.source for block in doc_examples.all_blocks()}
    texts |= {str(path): path.read_text() for path in (doc_examples.ROOT / "tests").rglob("*.py")
              if path != Path(__file__)}
    taken = {(where, name) for name in ids for where, text in texts.items()
             if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)}
    assert taken == set(), "give these examples ids of their own (api/areas/*/models.py)"
    assert any(re.search(r"(?<![\w-])kindpakket-2026(?![\w-])", text) for text in texts.values())  # it can find one


def test_each_operation_lists_its_error_codes_by_status(gateway):
    paths = _document(gateway)["paths"]
    pay = paths["/v1/budgets/payments"]["post"]["responses"]
    assert "INSUFFICIENT_BALANCE" in pay["422"]["description"]
    assert {"VALIDATION_ERROR", "IDEMPOTENCY_KEY_REUSED", "INSUFFICIENT_BALANCE"} <= set(
        pay["422"]["content"]["application/json"]["examples"])
    assert {"ENDORSEMENT_MISMATCH", "MVCC_READ_CONFLICT", "CODE_REPLAYED"} <= set(
        pay["409"]["content"]["application/json"]["examples"])
    assert "UNSUPPORTED_MEDIA_TYPE" in pay["415"]["description"]
    assert "OUTCOME_UNKNOWN" in pay["504"]["description"]
    balance = paths["/v1/budgets/budgets/{budget_id}/balance"]["get"]["responses"]
    assert "ENDORSEMENT_MISMATCH" not in str(balance) and "NOT_OWNER" not in str(balance)
    assert "NOT_OWNER" in paths["/v1/registry/transfers"]["post"]["responses"]["409"]["description"]
    assert set(paths["/health/live"]["get"]["responses"]) == {"200", "default"}


def test_every_operation_with_a_body_states_the_configured_body_limit(tmp_path, organisation):
    gateway = make_gateway(tmp_path, organisation, limits={"max_body_bytes": 4096})
    operations = [operation for item in _document(gateway)["paths"].values() for operation in item.values()]
    with_body = [operation for operation in operations if "requestBody" in operation]
    assert len(with_body) >= 25
    for operation in with_body:
        assert operation["requestBody"]["x-max-body-bytes"] == 4096, operation["operationId"]
        assert "At most 4096 bytes" in operation["requestBody"]["description"]
        too_large = operation["responses"]["413"]
        assert set(too_large["content"]["application/json"]["examples"]) == {"REQUEST_TOO_LARGE"}
    assert not any("413" in operation["responses"] for operation in operations if "requestBody" not in operation)


def test_the_interactive_docs_are_served_by_the_gateway_under_a_strict_policy(gateway):
    client = gateway.client()
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html  # nothing from another origin
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL)
    assert scripts and all('src="docs/assets/' in attributes and body == "" for attributes, body in scripts)
    policy = dict(part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["default-src"] == "'none'"
    sources = re.findall(r'(?:src|href)="(docs/assets/[^"]+)"', html)
    assert len(sources) == 3
    for source in sources:
        asset = client.get("/" + source)
        assert asset.status_code == 200 and len(asset.data) > 200, source
    assert b'url: "openapi.json"' in client.get("/docs/assets/docs.js").data
    assert b"SwaggerUIBundle" in client.get("/docs/assets/swagger-ui-bundle.js").data


def test_without_swagger_ui_installed_docs_says_what_to_run(gateway, tmp_path, monkeypatch):
    monkeypatch.setattr(docs, "STATIC", tmp_path)
    answer = gateway.client().get("/docs")
    assert (answer.status_code, answer.get_json()["code"]) == (503, "DOCS_NOT_INSTALLED")
    assert "run make install" in answer.get_json()["message"]


def test_fuzzing_on_a_refusing_fabric_finds_no_server_error(gateway):
    def refuse(call):
        raise EndorseError("failed", transaction_id="tx", code=grpc.StatusCode.ABORTED,
                           details=[ErrorDetail("p", "M", "chaincode response 500, NOT_FOUND: nothing here")])
    gateway.invoker.default = refuse
    schema = schemathesis.openapi.from_dict(_document(gateway)).exclude(path_regex=r".*/(events|ready)$")
    headers = gateway.auth("operator")
    app = gateway.app
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def fuzz(case) -> None:
            case.call_and_validate(app=app, headers=headers, checks=CHECKS)

        fuzz()
