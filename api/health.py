"""Liveness (the process answers) and readiness (its peer connection is up and its database can
be read and written)."""
from __future__ import annotations

import sqlite3

from pydantic import BaseModel, ConfigDict

from .errors import ApiError
from .errors.mapping import database_error
from .routing import Routes
from .services import current_services

READY_TIMEOUT_SECONDS = 2.0


class HealthStatus(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ready"}]})

    status: str
    """`live` from /health/live, `ready` from /health/ready."""


def routes() -> Routes:
    health = Routes("health", "/health", tag="Operations")

    @health.get("/live", public=True, response=HealthStatus, summary="The gateway process is alive")
    def live() -> HealthStatus:
        return HealthStatus(status="live")

    @health.get("/ready", public=True, response=HealthStatus, responses=(503,),
                summary="The gateway can reach its organisation's peer and use its database")
    def ready() -> HealthStatus:
        try:
            current_services().database.check()
        except sqlite3.Error as exc:
            raise database_error(exc) from None
        if not current_services().connections.ready(READY_TIMEOUT_SECONDS):
            raise ApiError(503, "PEER_UNAVAILABLE", "the organisation's peer is not reachable",
                           headers={"Retry-After": "2"})
        return HealthStatus(status="ready")

    return health
