"""The shop's till at /till/ (Merchants' gateway): sign in with the shop's token, read a resident's
payment code, check it, pay, refund, and follow the day's payments."""
from __future__ import annotations

from pathlib import Path

from ...auth.roles import Role
from ..web.site import WebApp

APP = WebApp(name="till", folder=Path(__file__).parent, roles=frozenset({Role.MERCHANT}), chaincode="budgets")
