"""The Flask application factory."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from . import config as config_file
from . import health
from .config import ApiConfig
from .errors import handlers
from .routing import Routes
from .services import Services

EXTENSION = "grootboek.api"
MAX_BODY_BYTES = 1024 * 1024


def create_app(config: ApiConfig | str | Path, services: Services | None = None) -> Flask:
    """An app for one organisation's gateway. Opens no gRPC connection until the first request
    needs one (safe to create before gunicorn forks, though `serve` creates it after)."""
    if not isinstance(config, ApiConfig):
        config = config_file.load(config)
    services = services or Services.open(config)
    app = Flask("grootboek.api")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions[EXTENSION] = services
    handlers.register(app, lambda error: services.metrics.fabric_errors.labels(error.code).inc())
    services.metrics.install(app)
    areas = [health.routes(), _operations()]
    for area in areas:
        app.register_blueprint(area.blueprint)
    app.extensions[EXTENSION + ".routes"] = areas
    return app


def _operations() -> Routes:
    operations = Routes("operations", "", tag="Operations")

    @operations.get("/metrics", public=True, media_type="text/plain", response=str,
                    summary="Prometheus metrics")
    def metrics():
        return current_app.extensions[EXTENSION].metrics.exposition()

    return operations
