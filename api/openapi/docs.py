"""/openapi.json and interactive documentation at /docs (Swagger UI, loaded by the browser)."""
from __future__ import annotations

import json
from typing import Any, Callable

from flask import Response

from ..routing import Routes

SWAGGER_UI = "https://unpkg.com/swagger-ui-dist@5"

PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Grootboek REST gateway</title>
<link rel="stylesheet" href="{SWAGGER_UI}/swagger-ui.css"></head>
<body><div id="docs"></div>
<script src="{SWAGGER_UI}/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({{url: "openapi.json", dom_id: "#docs", persistAuthorization: true}});</script>
</body></html>
"""


def routes(build_document: Callable[[], dict[str, Any]]) -> Routes:
    docs = Routes("docs", "", tag="Operations")
    cache: dict[str, str] = {}  # the routes never change after the app is built

    @docs.get("/openapi.json", public=True, response=dict[str, Any], summary="This API's OpenAPI document")
    def openapi() -> Response:
        if "document" not in cache:
            cache["document"] = json.dumps(build_document())
        return Response(cache["document"], mimetype="application/json")

    @docs.get("/docs", public=True, media_type="text/html", response=str, summary="Interactive documentation")
    def interactive() -> Response:
        return Response(PAGE, mimetype="text/html")

    return docs
