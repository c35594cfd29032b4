"""The Gateway service's calls with default deadlines and typed errors, and the same peer's
Deliver service."""
from __future__ import annotations

from typing import Callable, Iterable, TypeVar

import grpc
from fabric_protos.gateway import gateway_pb2, gateway_pb2_grpc

from .deadlines import Deadlines
from .errors import (
    ChaincodeEventsError,
    CommitStatusError,
    EndorseError,
    EvaluateError,
    SubmitError,
)
from .event_stream import EventStream
from .protocol.deliver import PeerDeliver

T = TypeVar("T")


class GatewayClient:
    """One peer's Gateway and Deliver services; `None` timeouts mean the default deadlines."""

    def __init__(self, channel: grpc.Channel, deadlines: Deadlines) -> None:
        self._gateway = gateway_pb2_grpc.GatewayStub(channel)
        self.deliver = PeerDeliver(channel)
        self.deadlines = deadlines

    def evaluate(self, request: gateway_pb2.EvaluateRequest,
                 timeout: float | None = None) -> gateway_pb2.EvaluateResponse:
        try:
            return self._gateway.Evaluate(request, timeout=timeout or self.deadlines.evaluate)
        except grpc.RpcError as error:
            raise EvaluateError.from_rpc_error(error, request.transaction_id) from None

    def endorse(self, request: gateway_pb2.EndorseRequest,
                timeout: float | None = None) -> gateway_pb2.EndorseResponse:
        try:
            return self._gateway.Endorse(request, timeout=timeout or self.deadlines.endorse)
        except grpc.RpcError as error:
            raise EndorseError.from_rpc_error(error, request.transaction_id) from None

    def submit(self, request: gateway_pb2.SubmitRequest,
               timeout: float | None = None) -> gateway_pb2.SubmitResponse:
        try:
            return self._gateway.Submit(request, timeout=timeout or self.deadlines.submit)
        except grpc.RpcError as error:
            raise SubmitError.from_rpc_error(error, request.transaction_id) from None

    def commit_status(self, request: gateway_pb2.SignedCommitStatusRequest, transaction_id: str,
                      timeout: float | None = None) -> gateway_pb2.CommitStatusResponse:
        try:
            return self._gateway.CommitStatus(request, timeout=timeout or self.deadlines.commit_status)
        except grpc.RpcError as error:
            raise CommitStatusError.from_rpc_error(error, transaction_id) from None

    def chaincode_events(self, request: gateway_pb2.SignedChaincodeEventsRequest,
                         convert: Callable[[gateway_pb2.ChaincodeEventsResponse], Iterable[T]],
                         timeout: float | None = None) -> EventStream[T]:
        call = self._gateway.ChaincodeEvents(request, timeout=timeout)
        return EventStream(call, convert, ChaincodeEventsError.from_rpc_error)
