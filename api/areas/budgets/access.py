"""Who acts: a merchant's till only as its own merchant, officers for every merchant of their
schemes, and the gateway's `wallet` user for residents' phones, which have no login."""
from __future__ import annotations

from ...auth.roles import Role
from ...auth.user import User
from ...errors import ApiError
from ...errors.catalog import NO_WALLET_IDENTITY
from ...services import current_services


def require_merchant_or_officer(user: User, merchant_id: str) -> None:
    if Role.OFFICER in user.roles or user.merchant == merchant_id:
        return
    raise ApiError(403, "FORBIDDEN", f"user {user.name} does not act for merchant {merchant_id}")


def wallet_user() -> User:
    """The user the gateway acts with for phones (403 NO_WALLET_IDENTITY when it has none)."""
    wallets = [user for user in current_services().users.all() if Role.WALLET in user.roles]
    if not wallets:
        raise ApiError(403, NO_WALLET_IDENTITY.code, "this gateway serves no wallets: no user has role wallet")
    return wallets[0]
