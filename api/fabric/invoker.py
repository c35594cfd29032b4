"""Evaluating and submitting chaincode calls as a user, over the worker's peer connection.

Submits go through the client's `submit_with_retry`: MVCC/phantom conflicts and endorsement
mismatches are retried with new proposals, and a transaction of unknown outcome is never sent
twice. Each new proposal's id is reported before it is endorsed, so an idempotency record always
knows which transaction to ask about if the worker dies mid-request.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from grootboek.client import (
    ChaincodeEvent,
    Contract,
    EventStream,
    Proposal,
    RetryPolicy,
    submit_with_retry,
)
from grootboek.client.protocol.seek import Checkpoint

from ..auth.user import User
from .calls import ChaincodeCall
from .connections import Connections

RETRY = RetryPolicy(attempts=4)


@dataclass(frozen=True)
class Submitted:
    result: bytes
    transaction_id: str


class _ProposalWatcher:
    """Stands in for a Contract in `submit_with_retry` and reports every new proposal's id."""

    def __init__(self, contract: Contract, on_proposal: Callable[[str], None]) -> None:
        self._contract = contract
        self._on_proposal = on_proposal
        self.transaction_id = ""

    @property
    def deadlines(self):
        return self._contract.deadlines

    def new_proposal(self, name: str, args: Sequence[Any] = (), transient: Any = None,
                     endorsing_organizations: Sequence[str] = ()) -> Proposal:
        proposal = self._contract.new_proposal(name, args, transient, endorsing_organizations)
        self.transaction_id = proposal.transaction_id
        self._on_proposal(proposal.transaction_id)
        return proposal


class Invoker:
    def __init__(self, connections: Connections) -> None:
        self.connections = connections

    def contract(self, user: User, channel: str, chaincode: str) -> Contract:
        gateway = self.connections.gateway(user.name, user.certificate_sha256)
        return gateway.network(channel).contract(chaincode)

    def evaluate(self, user: User, call: ChaincodeCall) -> bytes:
        contract = self.contract(user, call.channel, call.chaincode)
        return contract.evaluate(call.function, call.args, call.transient or None,
                                 call.endorsing_organizations)

    def submit(self, user: User, call: ChaincodeCall,
               on_proposal: Callable[[str], None] = lambda _: None) -> Submitted:
        watcher = _ProposalWatcher(self.contract(user, call.channel, call.chaincode), on_proposal)
        result = submit_with_retry(watcher, call.function, call.args,  # type: ignore[arg-type]
                                   call.transient or None, call.endorsing_organizations, RETRY)
        return Submitted(result, watcher.transaction_id)

    def events(self, user: User, channel: str, chaincode: str, start_block: int | None = None,
               checkpoint: Checkpoint | None = None) -> EventStream[ChaincodeEvent]:
        """Chaincode events of committed transactions, as `user` may see them."""
        gateway = self.connections.gateway(user.name, user.certificate_sha256)
        return gateway.network(channel).chaincode_events(chaincode, start_block, checkpoint)
