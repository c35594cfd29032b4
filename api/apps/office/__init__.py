"""The municipality's back office at /office/ (Municipality's gateway): officers run schemes (create,
amend while a draft, open, close), admit shops, issue budgets one at a time or from a CSV file of
beneficiaries with printable activation letters, and top up, revoke or expire them. A user without
the officer role may sign in to look, and is offered no changes.

The page calls the REST API with its session; the one route of its own checks a CSV file (a dry
run) and turns citizen numbers into pseudonyms with the municipality's key, which never leaves the
gateway (beneficiaries.py)."""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from flask import Blueprint, Response, request
from pydantic import BaseModel, ConfigDict, StringConstraints

from grootboek.chaincode.budgets.domain.fields import Identifier

from ...auth.authenticate import authenticate
from ...auth.roles import Role
from ...errors import ApiError
from ...routing import validation
from ...routing.route import JSON
from ...services import current_services
from ..web.site import WebApp
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
    @pages.post("/imports/check")
    def check_import() -> Response:
        """The dry run: every bad row by line and field, and each good row's budget id and
        pseudonym. A POST (with the CSRF token) since the file holds citizen numbers, which
        belong in no URL or log."""
        services = current_services()
        user = authenticate(request.headers, request.environ, services.users, services.tokens, services.sessions)
        if not user.has_any(frozenset({Role.OFFICER})):
            raise ApiError(403, "FORBIDDEN", f"user {user.name} may not import beneficiaries (it needs the role "
                                             f"{Role.OFFICER})")
        body = validation.body(ImportCheck, request.get_data(cache=True), request.mimetype, JSON)
        checked = check(body.csv, body.scheme_id, citizen_key())
        return Response(checked.model_dump_json(), mimetype=JSON)


APP = WebApp(name="office", folder=FOLDER, roles=frozenset({Role.OFFICER, Role.READER}), chaincode="budgets",
             routes=_routes)
