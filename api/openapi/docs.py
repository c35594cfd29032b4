"""/openapi.json and interactive documentation at /docs: Swagger UI served by the gateway itself
from the copy `make install` puts in static/ (pinned by swagger-ui/package-lock.json), so /docs
works on a network without internet access. The page runs no inline script, and says so in its
Content-Security-Policy."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from flask import Response

from ..errors import ApiError
from ..routing import Routes

STATIC = Path(__file__).parent / "static"
"""Swagger UI's files and docs.js, served at /docs/assets/ (the app's static folder)."""
ASSETS_URL = "/docs/assets"
_UI_FILES = ("swagger-ui.css", "swagger-ui-bundle.js")

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Grootboek REST gateway</title>
<link rel="stylesheet" href="docs/assets/swagger-ui.css"></head>
<body><div id="docs"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/assets/docs.js"></script>
</body></html>
"""

CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
                           "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
"""Scripts only from the gateway's own files; Swagger UI sets style attributes, hence inline styles."""


def routes(build_document: Callable[[], dict[str, Any]]) -> Routes:
    docs = Routes("docs", "", tag="Operations")
    cache: dict[str, str] = {}  # the routes never change after the app is built

    @docs.get("/openapi.json", public=True, response=dict[str, Any], summary="This API's OpenAPI document")
    def openapi() -> Response:
        if "document" not in cache:
            cache["document"] = json.dumps(build_document())
        return Response(cache["document"], mimetype="application/json")

    @docs.get("/docs", public=True, media_type="text/html", response=str, responses=(503,),
              summary="Interactive documentation (Swagger UI)")
    def interactive() -> Response:
        missing = [name for name in _UI_FILES if not (STATIC / name).is_file()]
        if missing:
            raise ApiError(503, "DOCS_NOT_INSTALLED", f"Swagger UI is not installed ({', '.join(missing)} "
                                                      f"missing from {STATIC}): run make install")
        response = Response(PAGE, mimetype="text/html")
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    return docs
