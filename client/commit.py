"""Commit status: did an ordered transaction commit as valid, and in which block."""
from __future__ import annotations

from dataclasses import dataclass

from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import transaction_pb2

from .errors import CommitError
from .gateway_client import GatewayClient
from .identity.signing_identity import SigningIdentity
from .signable import Signable


@dataclass(frozen=True)
class Status:
    """The validation outcome of a committed transaction."""

    transaction_id: str
    code: int
    """A `TxValidationCode` number; 0 is VALID."""
    block_number: int

    @property
    def code_name(self) -> str:
        return validation_code_name(self.code)

    @property
    def successful(self) -> bool:
        return self.code == transaction_pb2.VALID

    def check(self) -> Status:
        """Returns self if the transaction is valid; raises CommitError otherwise."""
        if not self.successful:
            raise CommitError(self.transaction_id, self.code, self.code_name, self.block_number)
        return self


def validation_code_name(code: int) -> str:
    try:
        return transaction_pb2.TxValidationCode.Name(code)
    except ValueError:
        return f"UNKNOWN_VALIDATION_CODE_{code}"


class Commit(Signable):
    """A handle on a submitted transaction's commit status (a signed CommitStatus request)."""

    def __init__(self, client: GatewayClient, signing: SigningIdentity,
                 request: gateway_pb2.SignedCommitStatusRequest) -> None:
        super().__init__(signing, request, request, "request")
        self._client = client
        self._request = request
        self.transaction_id = gateway_pb2.CommitStatusRequest.FromString(request.request).transaction_id

    def status(self, timeout: float | None = None) -> Status:
        """Waits until the transaction is committed (or `timeout`, default deadlines'
        commit_status, passes: CommitStatusError) and returns its validation outcome."""
        self._ensure_signed()
        response = self._client.commit_status(self._request, self.transaction_id, timeout)
        return Status(self.transaction_id, response.result, response.block_number)


class SubmittedTransaction(Commit):
    """A transaction that was endorsed and sent for ordering: its result is known now, its
    commit status once `status()` returns."""

    def __init__(self, client: GatewayClient, signing: SigningIdentity,
                 request: gateway_pb2.SignedCommitStatusRequest, result: bytes) -> None:
        super().__init__(client, signing, request)
        self.result = result
