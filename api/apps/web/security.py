"""Response headers of every page and file the web apps serve.

The policy allows only the gateway's own scripts, styles and connections: no inline script or
style (a data block of type application/json is not a script), no plugins, no framing, and
forms only to the gateway. `blob:`/`data:` images are QR codes drawn in the page."""
from __future__ import annotations

from flask import Response

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
                           "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                           "form-action 'self'")
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), payment=()",
}


def apply(response: Response) -> Response:
    response.headers.update(HEADERS)
    if response.mimetype in {"text/html", "application/json"}:
        response.headers["Cache-Control"] = "no-store"  # pages and answers hold a user's data
    return response
