"""Typed errors for everything that can go wrong talking to Fabric.

Every error derives from `GatewayError` and carries what an operator needs: the transaction id,
the gRPC status code and message, and each endorser's or orderer's own complaint (`ErrorDetail`:
address, MSP ID, message) that the gateway attaches as `google.rpc.Status` details.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Self, Sequence

import grpc
from fabric_protos.gateway import gateway_pb2
from google.rpc import status_pb2

_STATUS_DETAILS_KEY = "grpc-status-details-bin"


@dataclass(frozen=True)
class ErrorDetail:
    """One node's part in a failure."""

    address: str
    msp_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.address} ({self.msp_id}): {self.message}"


class GatewayError(Exception):
    """Base class of all client errors. `code` is the gRPC status code when a call failed."""

    action = "gateway call"

    def __init__(self, message: str, *, transaction_id: str | None = None,
                 code: grpc.StatusCode | None = None,
                 details: Sequence[ErrorDetail] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.transaction_id = transaction_id
        self.code = code
        self.details = tuple(details)

    @classmethod
    def from_rpc_error(cls, error: grpc.RpcError, transaction_id: str | None = None) -> Self:
        """Decodes status code, message and `gateway.ErrorDetail`s from a failed call."""
        code, message, details = decode_rpc_error(error)
        return cls(message, transaction_id=transaction_id, code=code, details=details)

    def __str__(self) -> str:
        head = f"{self.action} failed"
        if self.transaction_id:
            head += f" for transaction {self.transaction_id}"
        status = f"{self.code.name}: {self.message}" if self.code else self.message
        lines = [f"{head}: {status}"]
        lines += [f"  - {detail}" for detail in self.details]
        return "\n".join(lines)


class EvaluateError(GatewayError):
    action = "evaluate"


class EndorseError(GatewayError):
    """Endorsement failed: nothing was sent for ordering, so the transaction can't commit."""

    action = "endorse"


class SubmitError(GatewayError):
    """Sending the endorsed transaction for ordering failed; it may or may not have arrived."""

    action = "submit"


class CommitStatusError(GatewayError):
    """Asking for the commit status failed (e.g. the deadline passed); the outcome is unknown."""

    action = "commit status"


class ChaincodeEventsError(GatewayError):
    action = "chaincode events"


class CommitError(GatewayError):
    """The transaction was ordered into a block but validated as invalid: its writes were
    discarded. `validation_code_name` says why (MVCC_READ_CONFLICT, ENDORSEMENT_POLICY_FAILURE...)."""

    action = "commit"

    def __init__(self, transaction_id: str, validation_code: int, validation_code_name: str,
                 block_number: int) -> None:
        super().__init__(
            f"invalid in block {block_number} with validation code "
            f"{validation_code_name} ({validation_code})",
            transaction_id=transaction_id,
        )
        self.validation_code = validation_code
        self.validation_code_name = validation_code_name
        self.block_number = block_number


class EndorserError(GatewayError):
    """A peer's Endorser service (ProcessProposal) failed or answered with an error status."""

    action = "proposal"


class FabricStatusError(GatewayError):
    """A Fabric `common.Status` other than SUCCESS (`status` is its name), or the call itself
    failed (`code`)."""

    def __init__(self, message: str, *, status: str = "", transaction_id: str | None = None,
                 code: grpc.StatusCode | None = None, details: Sequence[ErrorDetail] = ()) -> None:
        if status:
            message = f"{status}: {message}" if message else status
        super().__init__(message, transaction_id=transaction_id, code=code, details=details)
        self.status = status


class BroadcastError(FabricStatusError):
    """An orderer refused an envelope (status BAD_REQUEST, FORBIDDEN, SERVICE_UNAVAILABLE...)."""

    action = "broadcast"


class DeliverError(FabricStatusError):
    """A Deliver stream (blocks from a peer or orderer) ended with an error status."""

    action = "deliver"


def decode_rpc_error(error: grpc.RpcError) -> tuple[grpc.StatusCode | None, str, tuple[ErrorDetail, ...]]:
    """(status code, message, gateway error details) of a failed grpc call."""
    code = error.code() if hasattr(error, "code") else None
    message = (error.details() if hasattr(error, "details") else None) or str(error)
    return code, message, _error_details(error)


def _error_details(error: grpc.RpcError) -> tuple[ErrorDetail, ...]:
    trailers = error.trailing_metadata() if hasattr(error, "trailing_metadata") else None
    for key, value in trailers or ():
        if key == _STATUS_DETAILS_KEY:
            status = status_pb2.Status.FromString(value)
            return tuple(_unpack(any_detail) for any_detail in status.details
                         if any_detail.Is(gateway_pb2.ErrorDetail.DESCRIPTOR))
    return ()


def _unpack(any_detail) -> ErrorDetail:
    detail = gateway_pb2.ErrorDetail()
    any_detail.Unpack(detail)
    return ErrorDetail(detail.address, detail.msp_id, detail.message)
