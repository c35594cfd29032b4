"""The back office's reports (/office/reports/...): figures from the read model (api/readmodel/),
rendered on the gateway as a page fragment with an SVG chart and a table per report, and each as
a CSV file. Aggregates only; a figure of fewer budgets than the gateway's `office.report_min_budgets` is
suppressed, on screen and in the files. Every answer says up to which block it is, and the page in
which time zone its months are counted."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from flask import Blueprint, Response, jsonify, render_template, request
from markupsafe import Markup
from pydantic import TypeAdapter, ValidationError

from grootboek.chaincode.budgets.domain.fields import Identifier

from ...auth.authenticate import authenticate
from ...auth.roles import Role
from ...errors import ApiError, FieldError
from ...readmodel.reports import NAMES, Reports, Table
from ...services import current_services
from ..web import i18n
from .charts import stacked_bars

AMOUNTS = frozenset({"amount", "granted", "spent", "returned", "balance", "paid", "refunded", "settled", "open"})
READERS = frozenset({Role.OFFICER, Role.READER})
_IDENTIFIER = TypeAdapter(Identifier)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _reports() -> Reports:
    services = current_services()
    user = authenticate(request.headers, request.environ, services.users, services.tokens, services.sessions)
    if not user.has_any(READERS):
        raise ApiError(403, "FORBIDDEN", f"user {user.name} may not read the reports (it needs the role "
                                         f"{' or '.join(sorted(READERS))})")
    assert services.readmodel is not None  # the office is served only with the budgets chaincode, so with one
    return Reports(services.readmodel, services.config.office.report_min_budgets)


def _scheme_unit(reports: Reports, scheme_id: str) -> dict:
    try:
        _IDENTIFIER.validate_python(scheme_id)
    except ValidationError:
        problem = FieldError(field="path.scheme_id", message=f"{scheme_id!r} is not a scheme id")
        raise ApiError(422, "VALIDATION_ERROR", f"{problem.field}: {problem.message}", errors=[problem]) from None
    for known, _, unit in reports.schemes():
        if known == scheme_id:
            return json.loads(unit)
    read = reports.store.next_block()
    raise ApiError(404, "NOT_FOUND", f"the read model has no scheme {scheme_id} (it has read "
                                     f"{f'blocks 0 to {read - 1}' if read else 'no block yet'})")


def _say(messages: dict[str, str], key: str, **values: object) -> str:
    return _PLACEHOLDER.sub(lambda m: str(values.get(m[1], m[0])), messages[key])


def _amount(value: int, unit: dict, language: str) -> str:
    if unit["name"] != "eur-cent":
        return f"{value} {unit['name']}"
    euros, cents = divmod(abs(value), 100)
    sign = "-" if value < 0 else ""
    if language == "nl":
        return f"€ {sign}{euros:,}".replace(",", ".") + f",{cents:02d}"
    return f"{sign}€{euros:,}.{cents:02d}"


def _chart(table: Table, title: str, messages: dict[str, str], label) -> Markup:
    """The report's chart: spending stacked by category or shop per month, budgets per month of issue,
    settled and open per shop."""
    shown = [row for row in table.rows if row[-1] is not None]
    column = {name: index for index, name in enumerate(table.columns)}
    if table.name.startswith("spending-"):
        groups = sorted({row[0] for row in shown})
        series = sorted({row[1] for row in shown})
        cells = {(row[0], row[1]): row[2] for row in shown}
        value = lambda group, name: cells.get((group, name))  # noqa: E731
    else:
        parts = {"activation": ("activated", "waiting"), "balances": ("spent", "returned", "balance"),
                 "receivables": ("settled", "open")}[table.name]
        groups = [row[0] for row in shown]
        figures = {(row[0], part): (row[column["issued"]] - row[column["activated"]] if part == "waiting"
                                    else row[column[part]]) for row in shown for part in parts}
        series = [messages[f"office.reports.column.{part}"] for part in parts]
        named = dict(zip(series, parts))
        value = lambda group, name: figures[(group, named[name])]  # noqa: E731
    return stacked_bars(f"chart-{table.name}", title, messages[f"office.reports.{table.name}.desc"], groups, series,
                        value, label)


def _view(table: Table, scheme_id: str, unit: dict, language: str, messages: dict[str, str]) -> dict:
    def cell(column: str, figure) -> tuple[str, str]:
        if figure is None:
            minimum = current_services().config.office.report_min_budgets
            return "", _say(messages, "office.reports.suppressed", count=minimum)
        return str(figure), _amount(figure, unit, language) if column in AMOUNTS else str(figure)

    title = messages[f"office.reports.{table.name}"]
    return {"name": table.name, "title": title,
            "columns": [messages[f"office.reports.column.{column}"] for column in table.columns],
            "rows": [[cell(column, figure) for column, figure in zip(table.columns, row)] for row in table.rows],
            "chart": _chart(table, title, messages, lambda amount: _amount(amount, unit, language)),
            "csv": f"/office/reports/{scheme_id}/{table.name}.csv"}


def routes(pages: Blueprint, folder: Path) -> None:
    @pages.get("/reports")
    def report_schemes() -> Response:
        """The schemes the read model knows, to choose from."""
        reports = _reports()
        return jsonify(schemes=[{"id": id_, "name": name} for id_, name, _ in reports.schemes()],
                       through_block=reports.store.next_block() - 1, time_zone=reports.store.time_zone)

    @pages.get("/reports/<scheme_id>")
    def report_page(scheme_id: str) -> Response:
        """Every report of a scheme, as a fragment of the office's page."""
        reports = _reports()
        unit = _scheme_unit(reports, scheme_id)
        language, _ = i18n.language(request)
        messages = i18n.catalog(folder, language)
        tables = [reports.report(scheme_id, name) for name in NAMES]
        through = tables[0].through_block
        return Response(render_template(
            "office/reports.html", reports=[_view(table, scheme_id, unit, language, messages) for table in tables],
            through=_say(messages, "office.reports.through", block=through),
            suppression=_say(messages, "office.reports.suppression", count=reports.min_budgets),
            months=_say(messages, "office.reports.months", zone=reports.store.time_zone),
            t=lambda key: messages[key]), mimetype="text/html")

    @pages.get("/reports/<scheme_id>/<name>.csv")
    def report_file(scheme_id: str, name: str) -> Response:
        """One report as CSV: its columns, then its rows; a suppressed figure is empty."""
        reports = _reports()
        _scheme_unit(reports, scheme_id)
        if name not in NAMES:
            raise ApiError(404, "NOT_FOUND", f"no report named {name} (there are: {', '.join(NAMES)})")
        table = reports.report(scheme_id, name)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows(["" if figure is None else figure for figure in row] for row in table.rows)
        response = Response(out.getvalue(), mimetype="text/csv")
        response.headers["Content-Disposition"] = (f'attachment; filename="{scheme_id}-{name}-'
                                                   f'block-{table.through_block}.csv"')
        response.headers["X-Read-Model-Block"] = str(table.through_block)
        return response
