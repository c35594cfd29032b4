"""An endorsed transaction, ready to be signed and sent for ordering."""
from __future__ import annotations

from fabric_protos.gateway import gateway_pb2

from .commit import SubmittedTransaction
from .deadlines import Deadlines
from .gateway_client import GatewayClient
from .identity.signing_identity import SigningIdentity
from .protocol.envelope import transaction_info
from .signable import Signable


class Transaction(Signable):
    """The gateway's prepared envelope: endorsed, not yet signed by the client. `result` is the
    chaincode's return value, available before the transaction is submitted."""

    def __init__(self, client: GatewayClient, signing: SigningIdentity,
                 prepared: gateway_pb2.PreparedTransaction) -> None:
        super().__init__(signing, prepared, prepared.envelope, "payload")
        self._client = client
        self._prepared = prepared
        info = transaction_info(prepared.envelope)
        self.channel = info.channel
        self.result = info.result

    @property
    def deadlines(self) -> Deadlines:
        """The gateway's default deadlines."""
        return self._client.deadlines

    @property
    def transaction_id(self) -> str:
        return self._prepared.transaction_id

    def signed_bytes(self) -> bytes:
        """The signed transaction, serialized: `Gateway.new_transaction` on it re-sends exactly
        this envelope (a copy of a committed transaction is invalidated as DUPLICATE_TXID, so
        re-sending never applies it twice)."""
        self._ensure_signed()
        return self.bytes()

    def submit(self, timeout: float | None = None) -> SubmittedTransaction:
        """Sends the signed transaction for ordering and returns at once; `status()` on the
        result waits for the commit."""
        self._ensure_signed()
        self._client.submit(gateway_pb2.SubmitRequest(
            transaction_id=self.transaction_id, channel_id=self.channel,
            prepared_transaction=self._prepared.envelope), timeout)
        return self.commit_handle()

    def commit_handle(self) -> SubmittedTransaction:
        """The commit status handle that `submit()` returns, also for asking after a submit
        whose outcome is unknown (e.g. its deadline passed)."""
        status_request = gateway_pb2.CommitStatusRequest(
            channel_id=self.channel, transaction_id=self.transaction_id,
            identity=self._signing.creator)
        return SubmittedTransaction(
            self._client, self._signing,
            gateway_pb2.SignedCommitStatusRequest(request=status_request.SerializeToString()),
            self.result)
