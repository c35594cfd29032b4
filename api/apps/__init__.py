"""The gateway's web apps: the pages people use at a counter or on a phone, served by the
organisation's own gateway next to the REST API their scripts call. Each app is a package with its
templates/, static/ and messages/; what they share (sign-in, sessions, security headers, the base
page, translations) is in web/. A gateway serves the apps its configuration names (`apps:`)."""
from __future__ import annotations

from flask import Flask

from ..config import ApiConfig, ConfigError
from . import office, registry, till, wallet
from .web import site
from .web.site import WebApp

APPS: dict[str, WebApp] = {app.name: app for app in (office.APP, registry.APP, till.APP, wallet.APP)}


def install(flask_app: Flask, config: ApiConfig) -> None:
    """Registers the configured apps; ConfigError for an unknown app or one whose chaincode the
    organisation does not use."""
    unknown = sorted(set(config.apps) - set(APPS))
    if unknown:
        raise ConfigError(f"apps: no app named {', '.join(unknown)} (there are: {', '.join(sorted(APPS))})")
    for name in config.apps:
        if config.chaincode(APPS[name].chaincode) is None:
            raise ConfigError(f"apps: {name} needs the {APPS[name].chaincode} chaincode, which chaincodes: "
                              f"does not name")
    if config.apps:
        flask_app.register_blueprint(site.shared())
    for name in config.apps:
        flask_app.register_blueprint(site.blueprint(APPS[name]))
