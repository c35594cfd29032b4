"""Grootboek's REST gateway: the HTTP face of the network for applications (a merchant's till, a
resident's app, the municipality's back office, a notary's system).

Each organisation runs its own gateway with its own users, each mapped to a Fabric identity in the
organisation's wallet and to gateway roles. `create_app(config)` builds the Flask app;
`python -m grootboek.api serve --config FILE` runs it (one process, see `server`); `grootboek api ...` manages
users and tokens (also offline, in the data dir).
"""
from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Lazy: `serve` must set up Prometheus' multiprocess mode before prometheus_client (imported
    # by the app) is first imported.
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(name)
