"""Routes through the Flask test client on a fake Fabric: validation naming fields, roles,
chaincode results and refusals, writes with transaction ids, and never a 500 for bad input."""
from __future__ import annotations

import json

import grpc

from grootboek.client import EndorseError, ErrorDetail, EvaluateError

PAYMENT = {"budget_id": "b-1", "amount": 4500, "category": "bicycles", "code": "abc"}


def _refusal(code: str, message: str, error=EvaluateError):
    def answer(call):
        detail = ErrorDetail("peer0:7051", "MunicipalityMSP", f"chaincode response 500, {code}: {message}")
        raise error("failed", transaction_id="tx-refused", code=grpc.StatusCode.ABORTED, details=[detail])
    return answer


def test_a_query_returns_the_chaincode_json_as_is(gateway):
    gateway.invoker.answers["get_parcel"] = lambda call: b'{"parcel": {"id": "GNG00-K-1"}}'
    response = gateway.client().get("/v1/registry/parcels/GNG00-K-1", headers=gateway.auth("officer"))
    assert (response.status_code, response.get_json()) == (200, {"parcel": {"id": "GNG00-K-1"}})
    user, call = gateway.invoker.calls[-1]
    assert (user, call.channel, call.chaincode, call.function, call.args, call.write) == (
        "officer", "kadaster", "registry", "Parcels:get_parcel", ("GNG00-K-1",), False)


def test_a_write_answers_with_its_status_and_transaction_id(gateway):
    gateway.invoker.answers["pay"] = lambda call: b'{"id": "tx1", "amount": 4500}'
    response = gateway.client().post("/v1/budgets/payments", json=PAYMENT, headers=gateway.auth("shop"))
    assert response.status_code == 201
    assert response.headers["X-Transaction-Id"] == "tx1"
    assert gateway.invoker.calls[-1][1].args == ("b-1", "4500", "bicycles", "abc")


def test_a_write_whose_function_returns_nothing_is_204(gateway):
    gateway.invoker.answers["lift_attachment"] = lambda call: b""
    response = gateway.client().delete("/v1/registry/parcels/P-1/attachments/att_1",
                                       headers=gateway.auth("officer"))
    assert (response.status_code, response.data) == (204, b"")


def test_validation_errors_name_every_field(gateway):
    body = {**PAYMENT, "amount": -5, "category": "Bicycles!", "extra": 1}
    response = gateway.client().post("/v1/budgets/payments", json=body, headers=gateway.auth("shop"))
    assert response.status_code == 422
    error = response.get_json()
    assert error["code"] == "VALIDATION_ERROR"
    assert {e["field"] for e in error["errors"]} == {"body.amount", "body.category", "body.extra"}
    assert "body.amount" in error["message"]
    assert gateway.invoker.calls == []


def test_query_and_path_parameters_are_validated_too(gateway):
    client, auth = gateway.client(), gateway.auth("officer")
    page = client.get("/v1/registry/parcels", query_string={"page_size": 1000}, headers=auth)
    assert [e["field"] for e in page.get_json()["errors"]] == ["query.page_size"]
    odd = client.get("/v1/registry/parcels/%E2%82%AC", headers=auth)
    assert (odd.status_code, odd.get_json()["errors"][0]["field"]) == (422, "path.parcel_id")


def test_malformed_json_is_400_and_not_json_at_all_too(gateway):
    client, auth = gateway.client(), gateway.auth("shop")
    broken = client.post("/v1/budgets/payments", data=b'{"budget_id": ', headers=auth,
                         content_type="application/json")
    assert (broken.status_code, broken.get_json()["code"]) == (400, "MALFORMED_REQUEST")
    empty = client.post("/v1/budgets/payments", data=b"", headers=auth)
    assert empty.status_code == 400
    wrong_shape = client.post("/v1/budgets/payments", json=[1, 2], headers=auth)
    assert wrong_shape.status_code == 422


def test_roles_refuse_before_fabric_is_asked(gateway):
    client = gateway.client()
    officer_paying = client.post("/v1/budgets/payments", json=PAYMENT, headers=gateway.auth("officer"))
    assert officer_paying.status_code == 403
    assert client.get("/v1/registry/parcels/P-1", headers=gateway.auth("nobody")).status_code == 403
    generic = client.post("/v1/channels/c/chaincodes/cc/submit", json={"function": "f"},
                          headers=gateway.auth("officer"))
    assert (generic.status_code, generic.get_json()["code"]) == (403, "FORBIDDEN")
    assert gateway.invoker.calls == []


def test_a_till_reads_only_its_own_statement(gateway):
    gateway.invoker.answers["merchant_statement"] = lambda call: b'{"items": [], "bookmark": ""}'
    client = gateway.client()
    own = client.get("/v1/budgets/merchants/fietsenwinkel/statement", headers=gateway.auth("shop"))
    other = client.get("/v1/budgets/merchants/sportwinkel/statement", headers=gateway.auth("shop"))
    officer = client.get("/v1/budgets/merchants/sportwinkel/statement", headers=gateway.auth("officer"))
    assert (own.status_code, other.status_code, officer.status_code) == (200, 403, 200)


def test_chaincode_refusals_keep_their_code_and_transaction_id(gateway):
    gateway.invoker.answers["pay"] = _refusal("INSUFFICIENT_BALANCE", "balance 100 is lower than 4500",
                                              EndorseError)
    gateway.invoker.answers["get_parcel"] = _refusal("NOT_FOUND", "parcel P-9 does not exist")
    client = gateway.client()
    paid = client.post("/v1/budgets/payments", json=PAYMENT, headers=gateway.auth("shop"))
    assert paid.status_code == 422
    assert paid.get_json() == {"code": "INSUFFICIENT_BALANCE", "message": "balance 100 is lower than 4500",
                               "transaction_id": "tx-refused"}
    missing = client.get("/v1/registry/parcels/P-9", headers=gateway.auth("officer"))
    assert (missing.status_code, missing.get_json()["code"]) == (404, "NOT_FOUND")


def test_personal_data_travels_as_transient_input_only(gateway):
    gateway.invoker.answers["record_personal_data"] = lambda call: b""
    personal = {"name": "J. de Vries", "bsn": "111222333", "address": "Hoofdstraat 1"}
    response = gateway.client().put("/v1/budgets/budgets/b-1/personal-data", json=personal,
                                    headers=gateway.auth("officer"))
    assert response.status_code == 204
    call = gateway.invoker.calls[-1][1]
    assert call.args == ("b-1",) and json.loads(call.transient["personal"]) == personal
    assert call.endorsing_organizations == ("MunicipalityMSP",)


def test_the_generic_endpoint_decodes_results(gateway):
    results = {"json": b'{"a": 1}', "text": b"plain", "bin": b"\xff\x00"}
    gateway.invoker.default = lambda call: results[call.function]
    client, auth = gateway.client(), gateway.auth("operator")
    path = "/v1/channels/ch/chaincodes/cc/evaluate"
    answers = [client.post(path, json={"function": f}, headers=auth).get_json() for f in results]
    assert [(a["encoding"], a["result"]) for a in answers] == [("json", {"a": 1}), ("text", "plain"),
                                                               ("base64", "/wA=")]
    submitted = client.post("/v1/channels/ch/chaincodes/cc/submit", json={"function": "json"}, headers=auth)
    assert submitted.get_json()["transaction_id"] == submitted.headers["X-Transaction-Id"]


def test_me_shows_the_fabric_identity(gateway):
    me = gateway.client().get("/v1/me", headers=gateway.auth("shop")).get_json()
    assert me["name"] == "shop" and me["merchant"] == "fietsenwinkel" and "merchant" in me["roles"]
    assert me["fabric_id"].startswith("x509::") and "CN=shop@gemeente.example" in me["fabric_id"]


def test_unknown_routes_and_methods_answer_json(gateway):
    client = gateway.client()
    assert client.get("/nowhere").get_json()["code"] == "ROUTE_NOT_FOUND"
    assert client.delete("/health/live").get_json()["code"] == "METHOD_NOT_ALLOWED"


def test_a_bug_is_a_500_with_nothing_leaked(gateway):
    gateway.invoker.answers["get_scheme"] = lambda call: (_ for _ in ()).throw(RuntimeError("secret detail"))
    response = gateway.client().get("/v1/budgets/schemes/s-1", headers=gateway.auth("officer"))
    assert response.status_code == 500
    assert "secret" not in response.get_data(as_text=True)


def test_a_wrong_method_is_a_json_405_naming_the_allowed_ones(gateway):
    answer = gateway.client().delete("/v1/budgets/payments", headers=gateway.auth("shop"))
    assert (answer.status_code, answer.get_json()["code"]) == (405, "METHOD_NOT_ALLOWED")
    assert set(answer.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    missing = gateway.client().get("/v1/nowhere")
    assert (missing.status_code, missing.get_json()["code"]) == (404, "ROUTE_NOT_FOUND")


def test_a_body_in_another_content_type_is_415_naming_the_one_to_send(gateway):
    client, auth = gateway.client(), gateway.auth("shop")
    form = client.post("/v1/budgets/payments", data=json.dumps(PAYMENT), headers=auth,
                       content_type="application/x-www-form-urlencoded")
    assert (form.status_code, form.get_json()["code"]) == (415, "UNSUPPORTED_MEDIA_TYPE")
    assert "send it as application/json" in form.get_json()["message"]
    bare = client.post("/v1/budgets/payments", data=json.dumps(PAYMENT), headers=auth)
    assert bare.status_code == 415 and "no Content-Type" in bare.get_json()["message"]
    with_charset = client.post("/v1/budgets/payments", data=json.dumps(PAYMENT), headers=auth,
                               content_type="application/json; charset=utf-8")
    assert with_charset.status_code != 415


def test_numbers_in_bodies_are_json_integers_in_both_areas(gateway):
    client = gateway.client()
    for amount in (500.0, "500", 5e2, 500.5):
        refused = client.post("/v1/budgets/payments", json={**PAYMENT, "amount": amount},
                              headers=gateway.auth("shop"))
        assert refused.status_code == 422, amount
        assert refused.get_json()["errors"] == [{"field": "body.amount", "message":
                                                 'must be a JSON integer, such as 500 (not 500.0, 5e2 or "500")'}]
    mortgage = {"terms": {"lender": "bank-1", "amount_cents": 25000000.0, "rank": "1"}, "signature": "c2ln"}
    refused = client.post("/v1/registry/parcels/P-1/mortgages", json=mortgage, headers=gateway.auth("registrar"))
    assert {"body.terms.amount_cents", "body.terms.rank"} <= {e["field"] for e in refused.get_json()["errors"]}
    gateway.invoker.answers["pay"] = lambda call: b'{"ok": true}'
    accepted = client.post("/v1/budgets/payments", json=PAYMENT, headers=gateway.auth("shop"))
    assert accepted.status_code == 201
