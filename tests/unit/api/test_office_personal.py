"""Personal data in the back office (api/apps/office/personal.py, api/store/audit.py): the audit
trail is append-only and records every officer change and every view of personal data, refusals
included, but not a till's payments; officers filter it and download it as CSV; a resident's data
is exported with its audit entries (and the export audited); and the retention rule purges only
the data of budgets whose scheme ended long enough ago."""
from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import datetime, timedelta, timezone

import grpc
import pytest

from grootboek.api.apps.office.personal import purge_due
from grootboek.api.auth.authenticate import CSRF_HEADER
from grootboek.api.store.audit import AuditEntry, AuditQuery
from grootboek.client import EndorseError, ErrorDetail, EvaluateError

from .conftest import make_gateway

BUDGET = "b-0001"
PERSON = {"name": "J. de Vries", "bsn": "111222333", "address": "Grote Markt 1, Groningen"}
NOW = datetime(2028, 6, 1, tzinfo=timezone.utc)


def _refusal(code: str, error=EvaluateError):
    def answer(call):
        detail = ErrorDetail("peer0:7051", "MunicipalityMSP", f"chaincode response 500, {code}: refused")
        raise error("failed", transaction_id="tx-refused", code=grpc.StatusCode.ABORTED, details=[detail])
    return answer


@pytest.fixture
def gateway(tmp_path, organisation):
    made = make_gateway(tmp_path, organisation, apps=["office"], office={"retention_days": 30})
    made.invoker.answers.update({
        "read_personal_data": lambda call: json.dumps(PERSON).encode(),
        "record_personal_data": lambda call: b"", "purge_personal_data": lambda call: b"",
        "balance": lambda call: json.dumps({"budget_id": call.args[0], "scheme_id": f"s-{call.args[0]}"}).encode(),
    })
    return made


def _entries(gateway, **query) -> list[AuditEntry]:
    return list(gateway.services.audit.every(AuditQuery(**query)))


def test_the_trail_cannot_be_changed_or_deleted(gateway):
    trail = gateway.services.audit
    trail.record("officer", "budgets.top_up", "/v1/budgets/budgets/b-1/top-ups", budget_id="b-1")
    db = gateway.services.database.connection()
    for statement in ("UPDATE audit SET user = 'someone else'", "DELETE FROM audit"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(statement)
    assert [entry.user for entry in _entries(gateway)] == ["officer"]


def test_officer_changes_and_personal_data_views_are_audited_refusals_too(gateway):
    client, officer = gateway.client(), gateway.auth("officer")
    assert client.put(f"/v1/budgets/budgets/{BUDGET}/personal-data", json=PERSON, headers=officer).status_code == 204
    assert client.get(f"/v1/budgets/budgets/{BUDGET}/personal-data", headers=officer).get_json() == PERSON
    client.get(f"/v1/budgets/budgets/{BUDGET}/balance", headers=officer)  # an ordinary read: not audited
    gateway.invoker.answers["create_scheme"] = _refusal("ALREADY_EXISTS", EndorseError)
    refused = client.post("/v1/budgets/schemes", json={"id": "zomer", "terms": {}}, headers=officer)
    assert refused.status_code == 422  # the terms are invalid: refused before Fabric, and audited all the same
    gateway.invoker.answers["pay"] = lambda call: b"{}"
    client.post("/v1/budgets/payments", json={}, headers=gateway.auth("shop"))  # a till: no officer action
    entries = _entries(gateway)
    assert [(e.user, e.action, e.budget_id, e.status, e.outcome) for e in entries] == [
        ("officer", "budgets.record_personal_data", BUDGET, 204, "ok"),
        ("officer", "budgets.read_personal_data", BUDGET, 200, "ok"),
        ("officer", "budgets.create_scheme", None, 422, "VALIDATION_ERROR")]
    assert entries[2].scheme_id == "zomer" and entries[0].transaction_id
    assert "De Vries" not in str(entries)  # the trail says what was done, never what the data said


def test_officers_filter_the_trail_and_download_it_as_csv(gateway):
    trail = gateway.services.audit
    trail.append(AuditEntry(at=NOW.timestamp() - 86_400 * 3, user="anna", action="budgets.top_up", path="/a",
                            status=200, outcome="ok", budget_id="b-1", scheme_id="zomer"))
    trail.append(AuditEntry(at=NOW.timestamp(), user="bram", action="budgets.read_personal_data", path="/b",
                            status=200, outcome="ok", budget_id="b-2", scheme_id="winter"))
    trail.append(AuditEntry(at=NOW.timestamp(), user="=cmd()", action="office.check_import", path="/c",
                            status=200, outcome="ok", scheme_id="zomer"))
    client = gateway.client()
    response = client.post("/office/session", json={"token": gateway.tokens["officer"]})
    assert response.status_code == 201

    def found(query: str) -> list[str]:
        return [entry["user"] for entry in client.get("/office/audit?" + query).get_json()["entries"]]

    assert found("") == ["=cmd()", "bram", "anna"]  # newest first
    assert found("action=budgets.") == ["bram", "anna"] and found("scheme_id=zomer") == ["=cmd()", "anna"]
    assert found("until=2028-05-31") == ["anna"] and found("since=2028-06-01&budget_id=b-2") == ["bram"]
    assert found("limit=1&before=3") == ["bram"]
    assert client.get("/office/audit?since=gisteren").status_code == 422
    download = client.get("/office/audit?format=csv&scheme_id=zomer")
    assert download.mimetype == "text/csv" and "attachment" in download.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
    assert [(row["user"], row["time"][:10]) for row in rows] == [("anna", "2028-05-29"), ("'=cmd()", "2028-06-01")]
    shop = gateway.client()
    shop.post("/office/session", json={"token": gateway.tokens["shop"]})
    assert shop.get("/office/audit").status_code == 403


def test_a_residents_data_is_exported_with_its_audit_entries_and_the_export_audited(gateway):
    client, officer = gateway.client(), gateway.auth("officer")
    client.put(f"/v1/budgets/budgets/{BUDGET}/personal-data", json=PERSON, headers=officer)
    exported = client.get(f"/office/residents/{BUDGET}", headers=officer)
    assert "attachment" in exported.headers["Content-Disposition"]
    document = exported.get_json()
    assert (document["personal_data"], document["scheme_id"]) == (PERSON, f"s-{BUDGET}")
    assert [entry["action"] for entry in document["audit"]] == ["budgets.record_personal_data",
                                                                "office.export_resident"]
    gateway.invoker.answers["read_personal_data"] = _refusal("NOT_FOUND")
    as_csv = client.get(f"/office/residents/{BUDGET}?format=csv", headers=officer).get_data(as_text=True)
    assert "none (never recorded, or purged)" in as_csv and as_csv.count("office.export_resident") == 2
    assert client.get(f"/office/residents/{BUDGET}?format=xml", headers=officer).status_code == 422
    assert client.get(f"/office/residents/{BUDGET}", headers=gateway.auth("shop")).status_code == 403


def test_retention_purges_only_data_whose_scheme_ended_long_enough_ago_and_audits_it(gateway):
    ended = {"s-old": NOW - timedelta(days=31), "s-recent": NOW - timedelta(days=29)}
    gateway.invoker.answers["balance"] = lambda call: json.dumps(
        {"budget_id": call.args[0], "scheme_id": call.args[0].split("/")[0]}).encode()
    gateway.invoker.answers["get_scheme"] = lambda call: json.dumps(
        {"terms": {"ends_at": ended[call.args[0]].isoformat().replace("+00:00", "Z")}}).encode()
    client, officer = gateway.client(), gateway.auth("officer")
    for budget in ("s-old/1", "s-recent/1", "s-old/2"):
        gateway.services.audit.record("officer", "budgets.record_personal_data", "/", 204, budget_id=budget)
    gateway.services.audit.record("officer", "budgets.purge_personal_data", "/", 204, budget_id="s-old/2")
    user = gateway.services.users.get("officer")
    purged = purge_due(gateway.services, user, NOW)
    assert [(item.budget_id, item.outcome) for item in purged] == [("s-old/1", "ok")]
    assert [call.args for _, call in gateway.invoker.calls if call.function.endswith("purge_personal_data")] == [
        ("s-old/1",)]
    assert [(e.user, e.budget_id) for e in _entries(gateway, action="retention.purge_personal_data")] == [
        ("officer", "s-old/1")]
    assert purge_due(gateway.services, user, NOW) == []  # done once
    assert [item.budget_id for item in purge_due(gateway.services, user, NOW + timedelta(days=2))] == ["s-recent/1"]
    assert client.get("/v1/budgets/budgets/x/personal-data", headers=officer).status_code == 200


def test_the_import_check_is_audited(gateway):
    client = gateway.client()
    csrf = client.post("/office/session", json={"token": gateway.tokens["officer"]}).get_json()["csrf_token"]
    client.post("/office/imports/check", json={"scheme_id": "zomer", "csv": "bsn,naam\n111222333,Anna\n"},
                headers={CSRF_HEADER: csrf})
    assert [(e.action, e.scheme_id) for e in _entries(gateway)] == [("office.check_import", "zomer")]
