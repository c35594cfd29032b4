"""The resident's wallet at /wallet/ (Municipality's gateway): budgets on the phone, each with its
own WebCrypto key kept in IndexedDB, activated from the municipality's letter; balance, history and
where to spend, read with query tokens signed on the phone; payment codes shown as QR codes, signed
on the phone, so showing one needs no network. No sign-in: the phone proves itself by signing."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory

from ..web.site import WebApp

FOLDER = Path(__file__).parent


def _routes(pages: Blueprint) -> None:
    @pages.get("/sw.js")
    def service_worker() -> Response:
        """Served from the app's root: a service worker may serve only what lies under its own URL."""
        response = send_from_directory(FOLDER / "static", "sw.js", mimetype="text/javascript")
        response.headers["Cache-Control"] = "no-cache"  # a new version reaches phones at once
        return response


APP = WebApp(name="wallet", folder=FOLDER, roles=frozenset(), chaincode="budgets", routes=_routes)
