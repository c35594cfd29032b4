"""Live payments as server-sent events: a till sees only its own shop's, officers see all."""
from __future__ import annotations

from typing import Callable

from flask import Response

from ...auth.roles import Role
from ...auth.user import User
from ...config import ChaincodeRef
from ...errors.catalog import TOO_MANY_STREAMS
from ...events.sse import EventMessage
from ...routing import Routes
from ...routing.route import EVENT_STREAM
from ..generic import follow
from ..generic_models import EventsQuery


def add(routes: Routes, reference: ChaincodeRef) -> None:
    @routes.get("/events", query=EventsQuery, roles={Role.MERCHANT, Role.OFFICER}, media_type=EVENT_STREAM,
                response=EventMessage, responses=(429, 503), own_codes=(TOO_MANY_STREAMS,),
                summary="PaymentMade, PaymentRefunded and MerchantSettled events (resume with Last-Event-ID)")
    def budget_events(user: User, query: EventsQuery) -> Response:
        """Each event's payload is its statement line (merchant_id, payment_id, budget_id, amount...)."""
        return follow(user, reference.channel, reference.chaincode, query, visible_to(user))


def visible_to(user: User) -> Callable[[EventMessage], bool]:
    if Role.OFFICER in user.roles:
        return lambda event: True
    return lambda event: isinstance(event.payload, dict) and event.payload.get("merchant_id") == user.merchant
