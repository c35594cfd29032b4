"""Scripted gRPC failures, sent the way Fabric's gateway sends them (google.rpc.Status details)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import grpc
from fabric_protos.gateway import gateway_pb2
from google.protobuf import any_pb2
from google.rpc import status_pb2


@dataclass
class Failure:
    code: grpc.StatusCode
    message: str
    details: tuple[gateway_pb2.ErrorDetail, ...] = ()


def abort(context: grpc.ServicerContext, failure: Failure) -> None:
    status = status_pb2.Status(code=failure.code.value[0], message=failure.message)
    for detail in failure.details:
        packed = any_pb2.Any()
        packed.Pack(detail)
        status.details.append(packed)
    context.set_trailing_metadata((("grpc-status-details-bin", status.SerializeToString()),))
    context.abort(failure.code, failure.message)


class Failures:
    """Per-method queues: the next call of a method with a queued failure fails with it."""

    def __init__(self) -> None:
        self._queues: dict[str, list[Failure]] = defaultdict(list)

    def add(self, method: str, code: grpc.StatusCode, message: str,
            *details: gateway_pb2.ErrorDetail) -> None:
        self._queues[method].append(Failure(code, message, details))

    def check(self, method: str, context: grpc.ServicerContext) -> None:
        if self._queues[method]:
            abort(context, self._queues[method].pop(0))
