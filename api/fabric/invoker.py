"""Evaluating and submitting chaincode calls as a user, over the worker's peer connection.

Submits go through the client's `submit_with_retry`: MVCC/phantom conflicts and endorsement
mismatches are retried with new proposals, and a transaction of unknown outcome is never sent
twice. Each new proposal's id is reported before it is endorsed, so an idempotency record always
knows which transaction to ask about if the worker dies mid-request.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from grootboek.client import ChaincodeEvent, Contract, EventStream, RetryPolicy, submit_with_retry
from grootboek.client.protocol.seek import Checkpoint

from ..auth.user import User
from .calls import ChaincodeCall
from .connections import Connections

RETRY = RetryPolicy(attempts=4)


@dataclass(frozen=True)
class Submitted:
    result: bytes
    transaction_id: str


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
        proposed: list[str] = []

        def report(transaction_id: str) -> None:
            proposed.append(transaction_id)
            on_proposal(transaction_id)

        contract = self.contract(user, call.channel, call.chaincode)
        result = submit_with_retry(contract, call.function, call.args, call.transient or None,
                                   call.endorsing_organizations, RETRY, on_proposal=report)
        return Submitted(result, proposed[-1])  # the last proposal is the one that committed

    def events(self, user: User, channel: str, chaincode: str, start_block: int | None = None,
               checkpoint: Checkpoint | None = None) -> EventStream[ChaincodeEvent]:
        """Chaincode events of committed transactions, as `user` may see them."""
        gateway = self.connections.gateway(user.name, user.certificate_sha256)
        return gateway.network(channel).chaincode_events(chaincode, start_block, checkpoint)
