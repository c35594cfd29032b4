"""The municipality's back office at /office/ (Municipality's gateway): officers run schemes (create,
amend while a draft, open, close), admit shops, issue budgets one at a time or from a CSV file of
beneficiaries with printable activation letters, and top up, revoke or expire them. A user without
the officer role may sign in to look, and is offered no changes.

The page calls the REST API with its session. Its own routes check a CSV file (a dry run) and turn
citizen numbers into pseudonyms with the municipality's key, which never leaves the gateway
(beneficiaries.py); show the audit trail and export a resident's data (personal.py); render the
reports from the read model (reports.py); and make the SEPA transfer file that pays shops their
settlements (settlements.py)."""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from flask import Blueprint, Response, request
from pydantic import BaseModel, ConfigDict, StringConstraints

from grootboek.chaincode.budgets.domain.fields import Identifier

from ...auth.roles import Role
from ...routing import validation
from ...routing.route import JSON
from ...services import current_services
from ..web.site import WebApp
from . import personal, reports, settlements
from .beneficiaries import CitizenKey, check

FOLDER = Path(__file__).parent
KEY_FILE = "citizen-number.key"
MAX_CSV_CHARACTERS = 900_000  # under the gateway's default body limit of 1 MiB, with room for JSON escapes


class ImportCheck(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    scheme_id: Identifier
    csv: Annotated[str, StringConstraints(min_length=1, max_length=MAX_CSV_CHARACTERS)]


@cache
def _citizen_key(path: Path) -> CitizenKey:
    return CitizenKey.load(path)


def citizen_key() -> CitizenKey:
    config = current_services().config
    return _citizen_key(config.citizen_key_file or config.data_dir / KEY_FILE)


def _routes(pages: Blueprint) -> None:
    personal.routes(pages)
    settlements.routes(pages)

    @pages.post("/imports/check")
    def check_import() -> Response:
        """The dry run: every bad row by line and field, and each good row's budget id and
        pseudonym. A POST (with the CSRF token) since the file holds citizen numbers, which
        belong in no URL or log."""
        user = personal.officer()
        body = validation.body(ImportCheck, request.get_data(cache=True), request.mimetype, JSON)
        checked = check(body.csv, body.scheme_id, citizen_key())
        current_services().audit.record(user.name, "office.check_import", request.path, scheme_id=body.scheme_id)
        return Response(checked.model_dump_json(), mimetype=JSON)

    reports.routes(pages, FOLDER)


APP = WebApp(name="office", folder=FOLDER, roles=frozenset({Role.OFFICER, Role.READER}), chaincode="budgets",
             routes=_routes)
