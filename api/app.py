"""The Flask application factory."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from . import apps
from . import config as config_file
from . import health
from .areas import budgets, generic, registry
from .openapi import docs
from .openapi.document import document
from .config import ApiConfig
from .errors import handlers
from .routing import Routes
from .services import Services, current_services

TITLE = "Grootboek REST gateway"
VERSION = "1.0.0"
DESCRIPTION = ("The HTTP face of the Grootboek Fabric network: budgets (Kindpakket, Stadjerspas) and "
               "the land registry. Errors are always JSON {code, message, transaction_id?}. Writes "
               "accept an Idempotency-Key header.")
DOMAIN_AREAS = {"budgets": budgets.routes, "registry": registry.routes}


def create_app(config: ApiConfig | str | Path, services: Services | None = None) -> Flask:
    """An app for one organisation's gateway. Opens no gRPC connection until the first request
    needs one (so a pre-forking server may create it before it forks)."""
    if not isinstance(config, ApiConfig):
        config = config_file.load(config)
    services = services or Services.open(config)
    app = Flask("grootboek.api", static_folder=docs.STATIC, static_url_path=docs.ASSETS_URL)
    app.config["MAX_CONTENT_LENGTH"] = config.limits.max_body_bytes  # as the front enforces it
    app.json.sort_keys = False  # type: ignore[attr-defined]
    services.install(app)
    handlers.register(app, lambda error: services.metrics.fabric_errors.labels(error.code).inc())
    services.metrics.install(app)
    areas = [health.routes(), _operations(), generic.routes(), *domain_areas(config)]
    areas.append(docs.routes(lambda: document(
        [spec for area in areas for spec in area.specs], TITLE, VERSION, DESCRIPTION,
        max_body_bytes=config.limits.max_body_bytes)))
    for area in areas:
        app.register_blueprint(area.blueprint)
    apps.install(app, config)
    return app


def domain_areas(config: ApiConfig) -> list[Routes]:
    """The budgets and registry areas, for the chaincodes the organisation uses."""
    areas = []
    for name, build in DOMAIN_AREAS.items():
        reference = config.chaincode(name)
        if reference is not None:
            areas.append(build(reference))
    return areas


def _operations() -> Routes:
    operations = Routes("operations", "", tag="Operations")

    @operations.get("/metrics", public=True, media_type="text/plain", response=str,
                    summary="Prometheus metrics")
    def metrics():
        return current_services().metrics.exposition()

    return operations
