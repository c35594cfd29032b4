"""Turns every exception a request raises into the JSON error response (never an HTML page)."""
from __future__ import annotations

from typing import Callable

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from grootboek.client import GatewayError

from .api_error import ApiError
from .mapping import to_api_error

_HTTP_CODES = {400: "MALFORMED_REQUEST", 404: "ROUTE_NOT_FOUND", 405: "METHOD_NOT_ALLOWED",
               413: "REQUEST_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE"}


def error_response(error: ApiError) -> Response:
    response = Response(error.body().model_dump_json(exclude_none=True), status=error.status,
                        mimetype="application/json")
    if error.transaction_id:
        response.headers["X-Transaction-Id"] = error.transaction_id
    response.headers.update(error.headers)
    return response


def register(app: Flask, on_fabric_error: Callable[[ApiError], None]) -> None:
    @app.errorhandler(Exception)
    def handle(exc: Exception) -> Response:
        if isinstance(exc, HTTPException):
            status = exc.code or 500
            # werkzeug's own headers carry what a client needs, such as a 405's `Allow`.
            headers = {name: value for name, value in exc.get_headers() if name != "Content-Type"}
            return error_response(ApiError(status, _HTTP_CODES.get(status, f"HTTP_{status}"),
                                           exc.description or exc.name, headers=headers))
        error = to_api_error(exc)
        if isinstance(exc, GatewayError):
            on_fabric_error(error)
        return error_response(error)
