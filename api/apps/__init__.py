"""The gateway's web apps: the pages people use at a counter or on a phone, served by the
organisation's own gateway next to the REST API their scripts call. Each app is a package with its
templates/, static/ and messages/; what they share (sign-in, sessions, security headers, the base
page, translations) is in web/. A gateway serves the apps its configuration names (`apps:`), and
imports only those: the back office's SEPA and IBAN libraries cost the other gateways nothing
(bench/footprint.py)."""
from __future__ import annotations

import importlib

from flask import Flask

from ..config import ApiConfig, ConfigError
from .web import site
from .web.site import WebApp

NAMES = ("office", "registry", "till", "wallet")


def app(name: str) -> WebApp:
    return importlib.import_module(f"{__name__}.{name}").APP


def install(flask_app: Flask, config: ApiConfig) -> None:
    """Registers the configured apps; ConfigError for an unknown app or one whose chaincode the
    organisation does not use."""
    unknown = sorted(set(config.apps) - set(NAMES))
    if unknown:
        raise ConfigError(f"apps: no app named {', '.join(unknown)} (there are: {', '.join(NAMES)})")
    served = [app(name) for name in config.apps]
    for web_app in served:
        if config.chaincode(web_app.chaincode) is None:
            raise ConfigError(f"apps: {web_app.name} needs the {web_app.chaincode} chaincode, which chaincodes: "
                              f"does not name")
    if served:
        flask_app.register_blueprint(site.shared())
    for web_app in served:
        flask_app.register_blueprint(site.blueprint(web_app))
