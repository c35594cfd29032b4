"""A merchant's till acts only as its own merchant; officers see every merchant of their schemes."""
from __future__ import annotations

from ...auth.roles import Role
from ...auth.user import User
from ...errors import ApiError


def require_merchant_or_officer(user: User, merchant_id: str) -> None:
    if Role.OFFICER in user.roles or user.merchant == merchant_id:
        return
    raise ApiError(403, "FORBIDDEN", f"user {user.name} does not act for merchant {merchant_id}")
