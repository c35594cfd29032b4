"""Opt-in retries for transactions that lose a race: MVCC_READ_CONFLICT / PHANTOM_READ_CONFLICT
at commit, or endorsers that disagree because they are at different heights.

The rule that keeps it safe: a new proposal (with a new transaction id) is made only after a
definite failure — endorsement failed, or the commit status says the transaction is invalid. When
the outcome is unknown (submit or commit status failed or timed out), it re-sends the same signed
envelope and asks the commit status of the same transaction id again (`settle`). Re-sending is
safe: a second copy of a committed transaction is invalidated as DUPLICATE_TXID and the commit
status reports the first. And it is what settles a transaction the orderers lost (a Raft leader
killed after accepting it): nothing else would ever order it.
"""
from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import grpc
from fabric_protos.peer import transaction_pb2

from .commit import Status
from .contract import Args, Contract, Transient
from .deadlines import Deadlines
from .errors import CommitError, CommitStatusError, EndorseError, SubmitError
from .transaction import Transaction

logger = logging.getLogger(__name__)

# Submit failures where the gateway provably did not get the transaction ordered: rejected before
# broadcasting, or refused by the orderer with a 4xx status (ABORTED).
_NOT_ORDERED = frozenset({grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.FAILED_PRECONDITION,
                          grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED,
                          grpc.StatusCode.ABORTED})

# Commit status failures worth asking again about.
_TRANSIENT_STATUS = frozenset({grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.UNAVAILABLE})

_MISMATCH_MARKERS = ("failed to collect enough transaction endorsements",
                     "ProposalResponsePayloads do not match", "read value mismatch")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    """Proposals at most (the first one included)."""
    initial_backoff: float = 0.05
    max_backoff: float = 1.0
    validation_codes: frozenset[int] = field(default_factory=lambda: frozenset(
        {transaction_pb2.MVCC_READ_CONFLICT, transaction_pb2.PHANTOM_READ_CONFLICT}))
    status_queries: int = 2
    """Commit status requests for one transaction while its outcome is unknown (the same
    envelope is re-sent before each but the first)."""

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.status_queries < 1:
            raise ValueError("attempts and status_queries must be at least 1")

    def retries(self, error: Exception) -> bool:
        """Whether a definite failure is worth a fresh proposal."""
        if isinstance(error, EndorseError):
            return is_endorsement_mismatch(error)
        if isinstance(error, CommitError):
            return error.validation_code in self.validation_codes
        return False

    def backoff(self, attempt: int) -> float:
        """Full-jitter exponential backoff after failed attempt number `attempt`."""
        return random.uniform(0, min(self.max_backoff, self.initial_backoff * 2 ** (attempt - 1)))


def is_endorsement_mismatch(error: EndorseError) -> bool:
    """Endorsers disagreed or some could not endorse: a fresh proposal may succeed."""
    if error.code != grpc.StatusCode.ABORTED:
        return False
    texts = [error.message, *(detail.message for detail in error.details)]
    return any(marker in text for marker in _MISMATCH_MARKERS for text in texts)


def submit_was_not_ordered(error: SubmitError) -> bool:
    """True if the transaction certainly did not reach the ledger; False if it may have."""
    return error.code in _NOT_ORDERED


def submit_with_retry(contract: Contract, name: str, args: Args = (),
                      transient: Transient | None = None,
                      endorsing_organizations: Sequence[str] = (),
                      policy: RetryPolicy = RetryPolicy(), deadlines: Deadlines | None = None,
                      on_proposal: Callable[[str], None] | None = None,
                      sleep: Callable[[float], None] = time.sleep,
                      on_signed: Callable[[str, bytes], None] | None = None) -> bytes:
    """Like `contract.submit`, retrying with new proposals as the policy allows. Raises the last
    EndorseError/SubmitError/CommitError, or CommitStatusError if the outcome stayed unknown.

    `on_proposal` hears each new proposal's transaction id before it is endorsed (e.g. to record
    it for idempotency); after a return, the last id it heard is the one that committed.
    `on_signed` hears each transaction id with its signed envelope (`Transaction.signed_bytes`)
    before it is first sent for ordering, so whoever finds its outcome unknown later can `settle`
    it."""
    deadlines = deadlines or contract.deadlines
    attempt = 1
    while True:
        try:
            proposal = contract.new_proposal(name, args, transient, endorsing_organizations)
            if on_proposal is not None:
                on_proposal(proposal.transaction_id)
            transaction = proposal.endorse(deadlines.endorse)
            if on_signed is not None:
                on_signed(transaction.transaction_id, transaction.signed_bytes())
            return _submit(transaction, policy, deadlines)
        except (EndorseError, CommitError) as error:
            if attempt >= policy.attempts or not policy.retries(error):
                raise
            logger.info("retrying with a new proposal", extra={
                "tx_id": error.transaction_id, "attempt": attempt, "reason": error.message})
        sleep(policy.backoff(attempt))
        attempt += 1


def _submit(transaction: Transaction, policy: RetryPolicy, deadlines: Deadlines) -> bytes:
    try:
        transaction.submit(deadlines.submit)
        resend = False
    except SubmitError as error:
        if submit_was_not_ordered(error):
            raise
        logger.info("submit outcome unknown, re-sending the same envelope",
                    extra={"tx_id": error.transaction_id, "reason": error.message})
        resend = True
    settle(transaction, policy, deadlines, resend).check()
    return transaction.result


def settle(transaction: Transaction, policy: RetryPolicy = RetryPolicy(),
           deadlines: Deadlines | None = None, resend: bool = True) -> Status:
    """The commit status of a transaction that may have been sent for ordering (e.g. rebuilt with
    `Gateway.new_transaction` from its `signed_bytes` after a crash): re-sends the same envelope
    (first, if `resend`) and asks by transaction id, `policy.status_queries` times at most. Raises
    CommitStatusError if it stayed unknown."""
    deadlines = deadlines or transaction.deadlines
    query = 1
    while True:
        if resend:
            _resend(transaction, deadlines)
        try:
            return transaction.commit_handle().status(deadlines.commit_status)
        except CommitStatusError as error:
            if error.code not in _TRANSIENT_STATUS or query >= policy.status_queries:
                raise
            logger.info("commit status unknown, re-sending the same envelope",
                        extra={"tx_id": error.transaction_id, "reason": error.message})
        query, resend = query + 1, True


def _resend(transaction: Transaction, deadlines: Deadlines) -> None:
    try:
        transaction.submit(deadlines.submit)
    except SubmitError as error:
        # A refusal proves nothing about an earlier copy, and an orderer still down is why we
        # re-send: the commit status that follows is the answer.
        logger.info("re-sending the envelope failed", extra={
            "tx_id": error.transaction_id, "reason": error.message})
