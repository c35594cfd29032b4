"""Gateway roles: what a user may ask the gateway to do in its name.

They mirror the chaincodes' roles (which the chaincodes check again from the certificate) so that
the gateway refuses early and clearly, and add three of its own: `reader` for queries,
`operator` for the generic endpoints that can call any function, and `wallet` for the identity
that acts for residents' phones, which have none.
"""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    READER = "reader"
    OFFICER = "officer"  # municipality officer (budgets; pre-emption and attachments in the registry)
    MERCHANT_REGISTRAR = "merchant-registrar"
    MERCHANT = "merchant"  # a shop's till: acts only as its own merchant
    REGISTRAR = "registrar"  # land registry registrar (also for notaries' systems)
    OPERATOR = "operator"  # generic evaluate/submit of any function
    WALLET = "wallet"  # the identity the gateway submits residents' budget activations with (no login)


def roles_from_certificate(role_attribute: str | None) -> set[Role]:
    """Default roles of a new user: `reader`, plus the role its certificate attribute names."""
    roles = {Role.READER}
    if role_attribute in {r.value for r in Role}:
        roles.add(Role(role_attribute))
    return roles
