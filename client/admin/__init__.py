"""Gateway-less calls for admin tooling: query one peer, or run a channel transaction by
collecting endorsements from chosen peers and broadcasting to an orderer (as the peer CLI does
for `peer channel join`, `peer lifecycle chaincode approveformyorg / commit`).

`query` and `transact` (here) send an `Invocation` (`invocation`), made by `system_chaincodes`
(cscc, qscc) or `lifecycle` (_lifecycle; policies compiled by `signature_policy`), through a
peer's `Endorser` (`endorser`) and an `Orderer` (`orderer`, AtomicBroadcast). `CommitWaiter`
(`commit_waiter`) waits for the commit on one peer. Applications use the gateway API instead.
"""
from __future__ import annotations

from typing import Sequence, TypeVar

from google.protobuf.message import Message

from ..identity.signing_identity import SigningIdentity
from ..protocol.envelope import assemble_transaction
from ..protocol.proposal_builder import sign_proposal
from .endorser import Endorser
from .invocation import Invocation
from .orderer import Orderer

M = TypeVar("M", bound=Message)


def query(endorser: Endorser, signing: SigningIdentity, invocation: Invocation[M],
          channel: str = "", timeout: float = 30.0) -> M | bytes:
    """Runs `invocation` on one peer and returns its decoded result."""
    built = invocation.proposal(signing.creator, channel)
    response = endorser.process_proposal(sign_proposal(built.bytes(), signing), timeout)
    return invocation.decode(response.response.payload)


def transact(endorsers: Sequence[Endorser], orderer: Orderer, signing: SigningIdentity,
             invocation: Invocation, channel: str, timeout: float = 30.0) -> str:
    """Endorses `invocation` on every given peer, broadcasts the signed transaction and returns
    its id. Ordering is not commitment: wait with a `CommitWaiter` opened beforehand."""
    built = invocation.proposal(signing.creator, channel)
    signed = sign_proposal(built.bytes(), signing)
    responses = [endorser.process_proposal(signed, timeout) for endorser in endorsers]
    orderer.broadcast(assemble_transaction(built.proposal, responses, signing), timeout)
    return built.transaction_id
