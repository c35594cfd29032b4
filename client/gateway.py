"""Connecting to a peer's Fabric Gateway, and resuming offline-signed flows.

    with connect(identity, signer, endpoint=Endpoint(...)) as gateway:
        contract = gateway.network("kindpakket").contract("budgets")
        contract.submit("Grant", args=["b1", "500"])

Offline signing: connect without a signer, export `bytes()` and `digest()` of each message, sign
the digest elsewhere, then continue with `gateway.new_signed_proposal(bytes, signature)` (and
likewise for transactions, commits and event requests).
"""
from __future__ import annotations

from typing import TypeVar

import grpc
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2

from .block_events import (
    BlockAndPrivateDataEventsRequest,
    BlockEventsRequest,
    FilteredBlockEventsRequest,
)
from .chaincode_events import ChaincodeEventsRequest
from .commit import Commit
from .deadlines import Deadlines
from .endpoint import Endpoint
from .gateway_client import GatewayClient
from .identity import hashing
from .identity.identity import Identity
from .identity.signer import Signer
from .identity.signing_identity import SigningIdentity
from .network import Network
from .proposal import Proposal
from .signable import Signable
from .transaction import Transaction

S = TypeVar("S", bound=Signable)


def connect(identity: Identity, signer: Signer | None = None, *,
            endpoint: Endpoint | None = None, channel: grpc.Channel | None = None,
            hash: hashing.Hash = hashing.sha256, deadlines: Deadlines = Deadlines(),
            tls_client_certificate_hash: bytes | None = None) -> Gateway:
    """Connects through `endpoint` (the gateway opens and owns a channel) or an existing
    `channel` (the caller keeps owning it). Without a signer, only offline signing works."""
    signing = SigningIdentity(identity, signer, hash)
    if endpoint is not None and channel is None:
        if tls_client_certificate_hash is None:
            tls_client_certificate_hash = endpoint.tls_client_certificate_hash
        return Gateway(endpoint.open_channel(), signing, deadlines, tls_client_certificate_hash,
                       owns_channel=True)
    if channel is not None and endpoint is None:
        return Gateway(channel, signing, deadlines, tls_client_certificate_hash or b"")
    raise ValueError("give exactly one of endpoint and channel")


def _with_signature(signable: S, signature: bytes) -> S:
    signable.set_signature(signature)
    return signable


class Gateway:
    def __init__(self, channel: grpc.Channel, signing: SigningIdentity, deadlines: Deadlines,
                 tls_cert_hash: bytes = b"", owns_channel: bool = False) -> None:
        self._channel = channel
        self._signing = signing
        self._client = GatewayClient(channel, deadlines)
        self._tls_cert_hash = tls_cert_hash
        self._owns_channel = owns_channel

    @property
    def identity(self) -> Identity:
        return self._signing.identity

    @property
    def deadlines(self) -> Deadlines:
        return self._client.deadlines

    def network(self, name: str) -> Network:
        return Network(self._client, self._signing, name, self._tls_cert_hash)

    def close(self) -> None:
        """Closes the channel if this gateway opened it."""
        if self._owns_channel:
            self._channel.close()

    def __enter__(self) -> Gateway:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # Resuming flows from serialized messages (offline signing).

    def new_proposal(self, data: bytes) -> Proposal:
        return Proposal(self._client, self._signing, gateway_pb2.ProposedTransaction.FromString(data))

    def new_signed_proposal(self, data: bytes, signature: bytes) -> Proposal:
        return _with_signature(self.new_proposal(data), signature)

    def new_transaction(self, data: bytes) -> Transaction:
        return Transaction(self._client, self._signing,
                           gateway_pb2.PreparedTransaction.FromString(data))

    def new_signed_transaction(self, data: bytes, signature: bytes) -> Transaction:
        return _with_signature(self.new_transaction(data), signature)

    def new_commit(self, data: bytes) -> Commit:
        return Commit(self._client, self._signing,
                      gateway_pb2.SignedCommitStatusRequest.FromString(data))

    def new_signed_commit(self, data: bytes, signature: bytes) -> Commit:
        return _with_signature(self.new_commit(data), signature)

    def new_chaincode_events_request(self, data: bytes) -> ChaincodeEventsRequest:
        return ChaincodeEventsRequest(self._client, self._signing,
                                      gateway_pb2.SignedChaincodeEventsRequest.FromString(data))

    def new_signed_chaincode_events_request(self, data: bytes,
                                            signature: bytes) -> ChaincodeEventsRequest:
        return _with_signature(self.new_chaincode_events_request(data), signature)

    def new_block_events_request(self, data: bytes) -> BlockEventsRequest:
        return BlockEventsRequest(self._client.deliver, self._signing,
                                  common_pb2.Envelope.FromString(data))

    def new_signed_block_events_request(self, data: bytes, signature: bytes) -> BlockEventsRequest:
        return _with_signature(self.new_block_events_request(data), signature)

    def new_filtered_block_events_request(self, data: bytes) -> FilteredBlockEventsRequest:
        return FilteredBlockEventsRequest(self._client.deliver, self._signing,
                                          common_pb2.Envelope.FromString(data))

    def new_signed_filtered_block_events_request(self, data: bytes,
                                                 signature: bytes) -> FilteredBlockEventsRequest:
        return _with_signature(self.new_filtered_block_events_request(data), signature)

    def new_block_and_private_data_events_request(
            self, data: bytes) -> BlockAndPrivateDataEventsRequest:
        return BlockAndPrivateDataEventsRequest(self._client.deliver, self._signing,
                                                common_pb2.Envelope.FromString(data))

    def new_signed_block_and_private_data_events_request(
            self, data: bytes, signature: bytes) -> BlockAndPrivateDataEventsRequest:
        return _with_signature(self.new_block_and_private_data_events_request(data), signature)
