"""Generic Fabric access: call any function of a deployed contract, ask what became of a
transaction, read a channel's height, follow a chaincode's events; and who am I."""
from __future__ import annotations

import base64
import json
from typing import Callable

from flask import Response, request

from grootboek.client import InMemoryCheckpointer

from ..auth.roles import Role
from ..auth.user import User
from ..errors import ApiError, catalog
from ..events import positions
from ..events.sse import EventMessage, event_stream
from ..fabric.calls import ChaincodeCall
from ..fabric.identity import fabric_id
from ..routing import Routes
from ..routing.route import EVENT_STREAM
from ..services import current_services
from ..store.idempotency import StoredResponse
from .generic_models import (
    ChannelHeight,
    EventsQuery,
    Invocation,
    InvocationResult,
    Me,
    TransactionStatus,
)

CONTRACT = "/channels/<channel>/chaincodes/<chaincode>"


def decoded(result: bytes, transaction_id: str | None) -> InvocationResult:
    if not result:
        return InvocationResult(transaction_id=transaction_id, encoding="empty", result=None)
    try:
        text = result.decode()
    except UnicodeDecodeError:
        return InvocationResult(transaction_id=transaction_id, encoding="base64",
                                result=base64.b64encode(result).decode())
    try:
        return InvocationResult(transaction_id=transaction_id, encoding="json", result=json.loads(text))
    except ValueError:
        return InvocationResult(transaction_id=transaction_id, encoding="text", result=text)


def _wrapped(result: bytes, transaction_id: str) -> StoredResponse:
    body = decoded(result, transaction_id or None).model_dump_json().encode()
    return StoredResponse(200, body, transaction_id or None)


def _call(channel: str, chaincode: str, body: Invocation, write: bool) -> ChaincodeCall:
    return ChaincodeCall(channel, chaincode, body.function, tuple(body.args),
                         {k: v.encode() for k, v in body.transient.items()},
                         tuple(body.endorsing_organizations), write=write)


def routes() -> Routes:
    generic = Routes("generic", "/v1", tag="Fabric", refusals=catalog.GENERIC)
    operators = {Role.OPERATOR}

    @generic.get("/me", response=Me, summary="The calling user, its roles and Fabric identity")
    def me(user: User) -> Me:
        identity = current_services().wallet.get(user.name).identity
        return Me(name=user.name, msp_id=user.msp_id, roles=sorted(user.roles), merchant=user.merchant,
                  fabric_id=fabric_id(identity))

    @generic.post(CONTRACT + "/evaluate", body=Invocation, response=InvocationResult, roles=operators,
                  shape=_wrapped, idempotent=False, responses=(404, 409, 502, 503, 504),
                  summary="Evaluate (query) any function; nothing is recorded")
    def evaluate(user: User, channel: str, chaincode: str, body: Invocation) -> ChaincodeCall:
        return _call(channel, chaincode, body, write=False)

    @generic.post(CONTRACT + "/submit", body=Invocation, response=InvocationResult, roles=operators,
                  shape=_wrapped, responses=(404, 409, 502, 503, 504),
                  summary="Submit a transaction to any function and wait for its commit")
    def submit(user: User, channel: str, chaincode: str, body: Invocation) -> ChaincodeCall:
        return _call(channel, chaincode, body, write=True)

    @generic.get("/channels/<channel>/height", response=ChannelHeight, responses=(404, 503, 504),
                 summary="The channel's block height on the organisation's peer")
    def height(user: User, channel: str) -> ChannelHeight:
        info = current_services().ledger.chain_info(user, channel)
        return ChannelHeight(channel=channel, height=info.height, current_block_hash=info.current_block_hash)

    @generic.get("/channels/<channel>/transactions/<transaction_id>", response=TransactionStatus,
                 responses=(404, 503, 504), summary="Whether and how a transaction committed")
    def transaction(user: User, channel: str, transaction_id: str) -> TransactionStatus:
        record = current_services().ledger.transaction(user, channel, transaction_id)
        if record is None:
            raise ApiError(404, "TRANSACTION_NOT_FOUND",
                           f"the peer has not committed transaction {transaction_id} on {channel}")
        return TransactionStatus(transaction_id=record.transaction_id, block_number=record.block_number,
                                 validation_code=record.validation_code, valid=record.valid)

    @generic.get(CONTRACT + "/events", query=EventsQuery, roles=operators, media_type=EVENT_STREAM,
                 response=EventMessage, responses=(429, 503), own_codes=(catalog.TOO_MANY_STREAMS,),
                 summary="Server-sent chaincode events (resume with Last-Event-ID)")
    def events(user: User, channel: str, chaincode: str, query: EventsQuery):
        return follow(user, channel, chaincode, query, lambda event: True)

    return generic


def follow(user: User, channel: str, chaincode: str, query: EventsQuery,
           keep: Callable[[EventMessage], bool]) -> Response:
    """An SSE response of `chaincode`'s events `keep` accepts, resuming after Last-Event-ID."""
    checkpoint = positions.checkpoint(request.headers.get("Last-Event-ID"))
    start_block = None if checkpoint else query.start_block
    services = current_services()

    def open_stream(start: int | None, after: InMemoryCheckpointer | None):
        return services.invoker.events(user, channel, chaincode, start, after)

    services.feeds.check(user.name)
    return event_stream(lambda kept: services.feeds.subscribe(channel, chaincode, open_stream, start_block,
                                                              checkpoint, user.name, kept), keep)
