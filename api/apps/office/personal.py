"""Personal data in the back office: the audit trail (api/store/audit.py) on screen and as CSV, a
resident's data exported on request (their budget's personal data and its audit entries, as JSON or
CSV), and the retention rule: personal data purged `office.retention_days` after its scheme ended
(`python -m grootboek.api retention`). Exports and purges by the rule are audited themselves.

The officer's own calls to the REST API (record, view, purge) are audited by the routes
(api/routing/route.py); what is here reads the chaincode with the officer's identity, as they do."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Literal

from flask import Blueprint, Response, request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from grootboek.chaincode.budgets.domain.fields import Identifier
from grootboek.client import GatewayError

from ...auth.authenticate import authenticate
from ...auth.roles import Role
from ...auth.user import User
from ...errors import ApiError, to_api_error
from ...fabric.calls import Chaincode
from ...routing import validation
from ...routing.route import JSON
from ...services import Services, current_services
from ...store.audit import RETENTION_PURGE, AuditEntry, AuditQuery, csv_cell, to_csv

EXPORT_ACTION = "office.export_resident"
OFFICER = frozenset({Role.OFFICER})


class AuditFilter(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    user: Annotated[str, StringConstraints(max_length=64)] = ""
    action: Annotated[str, StringConstraints(max_length=128)] = ""
    budget_id: Identifier | Literal[""] = ""
    scheme_id: Identifier | Literal[""] = ""
    since: date | None = None
    until: date | None = None
    """Whole days (UTC), both included."""
    before: Annotated[int, Field(ge=1)] | None = None
    """The next page: entries older than this id."""
    limit: Annotated[int, Field(ge=1, le=1000)] = 100

    def query(self) -> AuditQuery:
        def moment(day: date | None, days_after: int) -> float | None:
            return None if day is None else datetime.combine(day + timedelta(days=days_after), datetime.min.time(),
                                                               timezone.utc).timestamp()
        return AuditQuery(user=self.user or None, action=self.action or None, budget_id=self.budget_id or None,
                          scheme_id=self.scheme_id or None, since=moment(self.since, 0), until=moment(self.until, 1))


class ExportQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    format: Literal["json", "csv"] = "json"


def officer() -> User:
    """The signed-in user, who must be an officer (403 otherwise)."""
    services = current_services()
    user = authenticate(request.headers, request.environ, services.users, services.tokens, services.sessions)
    if not user.has_any(OFFICER):
        raise ApiError(403, "FORBIDDEN", f"user {user.name} may not do this (it needs the role {Role.OFFICER})")
    return user


def budgets_chaincode(services: Services) -> Chaincode:
    reference = services.config.chaincode("budgets")
    assert reference is not None  # the office app is only installed with it (api/apps/__init__.py)
    return Chaincode(reference.channel, reference.chaincode)


def _read(services: Services, user: User, function: str, budget_id: str, own: bool = False) -> dict | None:
    """The chaincode's JSON answer, or None when it says NOT_FOUND; `own`: the officer's own
    organisation's peers only (the private collection)."""
    call = budgets_chaincode(services).read(function, budget_id,
                                            endorsing_organizations=(user.msp_id,) if own else ())
    try:
        return json.loads(services.invoker.evaluate(user, call))
    except GatewayError as exc:
        error = to_api_error(exc)
        if error.code == "NOT_FOUND":
            return None
        raise error from None


def routes(pages: Blueprint) -> None:
    @pages.get("/audit")
    def audit() -> Response:
        """The trail, newest first, filtered; `?format=csv` for all of it that matches, oldest first."""
        officer()
        args = request.args.to_dict()
        as_csv = args.pop("format", "json") == "csv"
        query = validation.query(AuditFilter, args)
        trail = current_services().audit
        if as_csv:
            return Response(to_csv(trail.every(query.query())), mimetype="text/csv",
                            headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
        entries = trail.find(query.query(), query.limit, query.before)
        return Response(json.dumps({"entries": [asdict(entry) for entry in entries]}), mimetype=JSON)

    @pages.get("/residents/<budget_id>")
    def export_resident(budget_id: str) -> Response:
        """A resident's data on request: their budget's personal data and every audit entry about
        it, as a JSON or CSV download. The export is audited before it is answered."""
        user = officer()
        validation.path_parameters({"budget_id": budget_id})
        wanted = validation.query(ExportQuery, request.args)
        services = current_services()
        balance = _read(services, user, "Budgets:balance", budget_id)
        if balance is None:
            raise ApiError(404, "NOT_FOUND", f"there is no budget {budget_id}")
        personal = _read(services, user, "Budgets:read_personal_data", budget_id, own=True)
        services.audit.record(user.name, EXPORT_ACTION, request.path, budget_id=budget_id,
                              scheme_id=balance["scheme_id"])
        entries = list(services.audit.every(AuditQuery(budget_id=budget_id)))
        name = f"resident-{budget_id}.{wanted.format}"
        body = (_export_csv(budget_id, balance["scheme_id"], personal, entries) if wanted.format == "csv"
                else json.dumps({"budget_id": budget_id, "scheme_id": balance["scheme_id"], "personal_data": personal,
                                 "audit": [asdict(entry) for entry in entries]}, indent=2))
        return Response(body, mimetype="text/csv" if wanted.format == "csv" else JSON,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _export_csv(budget_id: str, scheme_id: str, personal: dict | None, entries: list[AuditEntry]) -> str:
    """Two parts in one file: the personal data as field/value rows, then the audit entries."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["field", "value"])
    writer.writerow(["budget_id", budget_id])
    writer.writerow(["scheme_id", scheme_id])
    for field, value in (personal or {}).items():
        writer.writerow([field, csv_cell(value)])
    if personal is None:
        writer.writerow(["personal_data", "none (never recorded, or purged)"])
    writer.writerow([])
    buffer.write("".join(to_csv(iter(entries))))
    return buffer.getvalue()


@dataclass(frozen=True)
class Purged:
    budget_id: str
    scheme_id: str
    scheme_ended: str
    outcome: str


def purge_due(services: Services, user: User, now: datetime) -> list[Purged]:
    """Purges the personal data of every budget whose scheme ended `office.retention_days` or more
    before `now`, as `user` (an officer), auditing each; the budgets with data still kept are left."""
    cutoff = now - timedelta(days=services.config.office.retention_days)
    done = []
    chaincode = budgets_chaincode(services)
    for budget_id in services.audit.recorded_personal_data():
        balance = _read(services, user, "Budgets:balance", budget_id)
        if balance is None:
            continue
        scheme = json.loads(services.invoker.evaluate(user, chaincode.read("Budgets:get_scheme",
                                                                           balance["scheme_id"])))
        ended = datetime.fromisoformat(scheme["terms"]["ends_at"].replace("Z", "+00:00"))
        if ended > cutoff:
            continue
        call = chaincode.write("Budgets:purge_personal_data", budget_id, endorsing_organizations=(user.msp_id,))
        try:
            transaction_id = services.invoker.submit(user, call).transaction_id
            status, outcome = 200, "ok"
        except GatewayError as exc:
            error = to_api_error(exc)
            transaction_id, status, outcome = error.transaction_id, error.status, error.code
        services.audit.record(user.name, RETENTION_PURGE, "retention", status, outcome, budget_id=budget_id,
                              scheme_id=balance["scheme_id"], transaction_id=transaction_id)
        done.append(Purged(budget_id, balance["scheme_id"], scheme["terms"]["ends_at"], outcome))
    return done

