"""The registry's parcel viewer at /registry/ (Registry's gateway): clerks and notaries search
parcels, read a parcel's file (owners with their exact shares, mortgages, attachments, limited and
pre-emption rights), its lineage and ownership history, who owned it on a chosen date, and follow a
transfer in progress: which consents it has and which it still lacks. It only reads.

The page calls the REST API with its session; its one route of its own draws a parcel's lineage as
SVG on the server (lineage.py)."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, request

from grootboek.chaincode.registry.domain.parcel_file import ParcelFile

from ...auth.authenticate import authenticate
from ...auth.roles import Role
from ...errors import ApiError
from ...fabric.calls import Chaincode
from ...routing import validation
from ...services import current_services
from ..web import i18n
from ..web.site import WebApp
from . import lineage

FOLDER = Path(__file__).parent
ROLES = frozenset({Role.READER, Role.REGISTRAR, Role.OFFICER})
SVG = "image/svg+xml"


def _routes(pages: Blueprint) -> None:
    @pages.get("/parcels/<parcel_id>/lineage.svg")
    def lineage_diagram(parcel_id: str) -> Response:
        services = current_services()
        user = authenticate(request.headers, request.environ, services.users, services.tokens, services.sessions)
        if not user.has_any(ROLES):
            raise ApiError(403, "FORBIDDEN", f"user {user.name} may not use the registry viewer")
        validation.path_parameters({"parcel_id": parcel_id})
        reference = services.config.chaincode(APP.chaincode)
        assert reference is not None  # install() refuses a gateway without it
        call = Chaincode(reference.channel, reference.chaincode).read("Parcels:get_parcel", parcel_id)
        file = ParcelFile.model_validate_json(services.invoker.evaluate(user, call))
        language, _ = i18n.language(request)
        drawing = lineage.render(file.parcel, i18n.catalog(FOLDER, language))
        return Response(drawing, mimetype=SVG, headers={"Cache-Control": "no-store"})


APP = WebApp(name="registry", folder=FOLDER, roles=ROLES, chaincode="registry", routes=_routes,
             blueprint_name="registry_viewer")
