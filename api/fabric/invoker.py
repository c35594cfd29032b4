"""Evaluating and submitting chaincode calls as a user, over the worker's peer connection.

Submits go through the client's `submit_with_retry`: MVCC/phantom conflicts and endorsement
mismatches are retried with new proposals, and a transaction of unknown outcome is settled by
re-sending its same signed envelope, never by a new proposal. Each new proposal's id is reported
before it is endorsed, and each signed envelope before it is first sent, so an idempotency record
always knows which transaction to ask about, and can re-send it, if the gateway dies mid-request.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from grootboek.client import (
    ChaincodeEvent,
    Contract,
    Deadlines,
    EventStream,
    RetryPolicy,
    settle,
    submit_with_retry,
)
from grootboek.client.protocol.seek import Checkpoint

from ..auth.user import User
from .calls import ChaincodeCall
from .connections import Connections

RETRY = RetryPolicy(attempts=4, status_queries=3)
# A request waits at most ~3 x (submit + commit status) for its commit before answering
# OUTCOME_UNKNOWN; a repeat then settles it (`settle`), waiting SETTLE's deadlines once more.
DEADLINES = Deadlines(submit=5.0, commit_status=10.0)
SETTLE = RetryPolicy(status_queries=1)
# A fence is sent when the orderers may well be down: one commit status per proposal, so a request
# that sends one answers within about 15 s; a repeat re-sends it.
FENCE = RetryPolicy(attempts=4, status_queries=1)


@dataclass(frozen=True)
class Submitted:
    result: bytes
    transaction_id: str


@dataclass(frozen=True)
class Settled:
    """What became of a transaction re-sent from its signed envelope."""

    transaction_id: str
    validation_code: str
    block_number: int
    result: bytes


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
               on_proposal: Callable[[str], None] = lambda _: None,
               on_signed: Callable[[str, bytes], None] = lambda _, __: None,
               policy: RetryPolicy = RETRY) -> Submitted:
        proposed: list[str] = []

        def report(transaction_id: str) -> None:
            proposed.append(transaction_id)
            on_proposal(transaction_id)

        contract = self.contract(user, call.channel, call.chaincode)
        result = submit_with_retry(contract, call.function, call.args, call.transient or None,
                                   call.endorsing_organizations, policy, DEADLINES,
                                   on_proposal=report, on_signed=on_signed)
        return Submitted(result, proposed[-1])  # the last proposal is the one that committed

    def settle(self, user: User, signed_transaction: bytes) -> Settled:
        """Re-sends a transaction kept by `on_signed` and waits for its commit status (raises
        CommitStatusError while it stays unknown)."""
        gateway = self.connections.gateway(user.name, user.certificate_sha256)
        transaction = gateway.new_transaction(signed_transaction)
        status = settle(transaction, SETTLE, DEADLINES)
        return Settled(status.transaction_id, status.code_name, status.block_number, transaction.result)

    def events(self, user: User, channel: str, chaincode: str, start_block: int | None = None,
               checkpoint: Checkpoint | None = None) -> EventStream[ChaincodeEvent]:
        """Chaincode events of committed transactions, as `user` may see them."""
        gateway = self.connections.gateway(user.name, user.certificate_sha256)
        return gateway.network(channel).chaincode_events(chaincode, start_block, checkpoint)
