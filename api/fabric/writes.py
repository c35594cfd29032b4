"""Submitting writes at most once per Idempotency-Key, across every request and gateway restart.

A repeat of a finished request gets the first response again. A repeat that finds the first still
running waits for it (up to `wait_seconds`), then answers 409 IDEMPOTENCY_KEY_IN_USE. A repeat of
a request whose transaction's fate is unknown asks the ledger about that transaction, re-sends its
kept signed envelope if it has not committed, and answers from its commit status; it never
submits a second transaction unless the first provably did not commit (invalid, or never signed
and so never sent).

Waiting never proves that a transaction cannot commit (Fabric checks no timestamps: a signed
envelope is valid whenever it is ordered). So a write whose call names a fence (payments: their
code's cancellation) and whose outcome is still unknown `fence_after_seconds` after its key's first
request is settled by committing the fence, which writes a key the write reads: at most one of the
two can ever be valid. Fence valid: the write is cancelled for good (409 PAYMENT_CANCELLED); the
fence finds the key written by the write: it committed, and is answered from the ledger.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Callable

from fabric_protos.peer import transaction_pb2

from grootboek.client import CommitError, CommitStatusError

from ..auth.user import User
from ..errors import ApiError, Disposition, to_api_error
from ..errors.catalog import PAYMENT_CANCELLED
from ..store.idempotency import (
    Claimed,
    IdempotencyStore,
    InProgress,
    Mismatch,
    Replay,
    StoredResponse,
    Unresolved,
)
from .calls import ChaincodeCall
from .invoker import FENCE, Invoker
from .ledger import Ledger, TransactionRecord

Shape = Callable[[bytes, str], StoredResponse]
"""Turns a chaincode result and its transaction id into the route's response."""

_START_AFRESH = frozenset({"MVCC_READ_CONFLICT", "PHANTOM_READ_CONFLICT"})

FENCE_AFTER_SECONDS = 30.0
"""How long after its key's first request a write of unknown outcome is given to commit by its
re-sent envelope before the gateway fences it: longer than a request's own wait for its commit
would make a till wait longer, shorter would cancel payments that an orderer restart would commit."""


@dataclass(frozen=True)
class WriteResult:
    response: StoredResponse
    replayed: bool = False


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(f"{method} {path}\n".encode() + body).hexdigest()


def stored_error(error: ApiError) -> StoredResponse:
    return StoredResponse(error.status, error.body().model_dump_json(exclude_none=True).encode(),
                          error.transaction_id)


class Writes:
    def __init__(self, store: IdempotencyStore, invoker: Invoker, ledger: Ledger,
                 wait_seconds: float = 10.0, poll_seconds: float = 0.05,
                 fence_after_seconds: float = FENCE_AFTER_SECONDS) -> None:
        self._store = store
        self._invoker = invoker
        self._ledger = ledger
        self.wait_seconds = wait_seconds
        self.fence_after_seconds = fence_after_seconds
        self._poll = poll_seconds

    def execute(self, user: User, call: ChaincodeCall, shape: Shape, key: str | None = None,
                request_fingerprint: str = "") -> WriteResult:
        if key is None:
            submitted = self._invoker.submit(user, call)
            return WriteResult(shape(submitted.result, submitted.transaction_id))
        give_up = time.monotonic() + self.wait_seconds
        while True:
            claim = self._store.claim(user.name, key, request_fingerprint)
            if isinstance(claim, Mismatch):
                raise ApiError(422, "IDEMPOTENCY_KEY_REUSED",
                               "this Idempotency-Key was used for a different request")
            if isinstance(claim, Replay):
                return WriteResult(claim.response, replayed=True)
            if isinstance(claim, Claimed):
                with self._store.held(user.name, key, claim.owner):
                    return WriteResult(self._submit(user, key, claim.owner, call, shape))
            if isinstance(claim, Unresolved):
                with self._store.held(user.name, key, claim.owner):
                    return self._resolve(user, key, claim, call, shape)
            assert isinstance(claim, InProgress)
            if time.monotonic() >= give_up:
                raise ApiError(409, "IDEMPOTENCY_KEY_IN_USE",
                               "a request with this Idempotency-Key is still in progress",
                               headers={"Retry-After": "1"})
            time.sleep(self._poll)  # another request holds the key: wait for its outcome or lapse

    def _submit(self, user: User, key: str, owner: str, call: ChaincodeCall, shape: Shape) -> StoredResponse:
        proposed: list[str] = []

        def remember(transaction_id: str) -> None:
            proposed.append(transaction_id)
            self._store.record_transaction(user.name, key, owner, transaction_id)

        def keep(transaction_id: str, envelope: bytes) -> None:
            self._store.record_envelope(user.name, key, owner, transaction_id, envelope)

        try:
            submitted = self._invoker.submit(user, call, on_proposal=remember, on_signed=keep)
        except Exception as exc:
            error = to_api_error(exc)
            self._settle_failure(user, key, owner, error, proposed[-1] if proposed else None)
            raise error from None
        response = shape(submitted.result, submitted.transaction_id)
        self._store.finish(user.name, key, owner, response)
        return response

    def _settle_failure(self, user: User, key: str, owner: str, error: ApiError,
                        last_transaction: str | None) -> None:
        if error.disposition is Disposition.FINAL:
            self._store.finish(user.name, key, owner, stored_error(error))
        elif error.disposition is Disposition.RETRY:
            self._store.release(user.name, key, owner)
        else:
            self._store.mark_unknown(user.name, key, owner, error.transaction_id or last_transaction)

    def _resolve(self, user: User, key: str, claim: Unresolved, call: ChaincodeCall,
                 shape: Shape) -> WriteResult:
        """An earlier attempt's transaction may be on the ledger: answer from it, start afresh only
        when it provably did not commit, or fence it once it has been unknown for long enough."""
        if claim.transaction_id is None or claim.envelope is None:  # never signed: never sent
            return WriteResult(self._submit(user, key, claim.owner, call, shape))
        fencing = call.fence is not None and (
            claim.fence_id is not None or time.time() >= claim.since + self.fence_after_seconds)
        try:
            # Once a fence was sent, only its outcome tells: the write may have lost to it (MVCC).
            record = None if claim.fence_id else self._ledger.transaction(user, call.channel, claim.transaction_id)
            if record is None and fencing:
                fenced = self._fence(user, key, claim, call, shape)
                if fenced is not None:
                    self._store.finish(user.name, key, claim.owner, fenced)
                    return WriteResult(fenced, replayed=True)
            elif record is None and claim.envelope:
                record = self._settle(user, claim.envelope)
        except Exception as exc:
            self._store.mark_unknown(user.name, key, claim.owner, claim.transaction_id)
            raise to_api_error(exc) from None
        if record is None:
            self._store.mark_unknown(user.name, key, claim.owner, claim.transaction_id)
            raise ApiError(409, "OUTCOME_UNKNOWN", self._unknown_message(claim, fencing),
                           transaction_id=claim.transaction_id, disposition=Disposition.UNKNOWN,
                           headers={"Retry-After": "2"})
        if record.valid:
            response = shape(record.result, record.transaction_id)
        elif record.validation_code in _START_AFRESH:
            return WriteResult(self._submit(user, key, claim.owner, call, shape))
        else:
            code = transaction_pb2.TxValidationCode.Value(record.validation_code)
            invalid = CommitError(record.transaction_id, code, record.validation_code, record.block_number)
            response = stored_error(to_api_error(invalid))
        self._store.finish(user.name, key, claim.owner, response)
        return WriteResult(response, replayed=True)

    @staticmethod
    def _unknown_message(claim: Unresolved, fencing: bool) -> str:
        first = f"transaction {claim.transaction_id} of the first request has not committed yet"
        if fencing:
            return (f"{first}, and the fence that cancels it was sent but has not committed either (the "
                    "orderers may be unreachable): repeat the request to ask again")
        sent_again = "its signed envelope was sent again; " if claim.envelope else ""
        return (f"{first} ({sent_again}the orderers may be unreachable); it is never submitted as a second "
                "transaction: repeat the request to ask again")

    def _fence(self, user: User, key: str, claim: Unresolved, call: ChaincodeCall,
               shape: Shape) -> StoredResponse | None:
        """Commits the call's fence, or settles the one already sent: the final response (cancelled,
        or the write's own result when it wrote the key first), or None while the fence is unknown."""
        assert call.fence is not None
        fence = None
        if claim.fence_id is not None:
            fence = self._ledger.transaction(user, call.channel, claim.fence_id)
            if fence is None and claim.fence_envelope:
                fence = self._settle(user, claim.fence_envelope)
            if fence is None:
                return None
        if fence is not None and fence.valid:
            answer = fence.result
        else:  # none sent yet, or it lost a race: a new one reads the key as it is now
            def keep(transaction_id: str, envelope: bytes) -> None:
                self._store.record_fence(user.name, key, claim.owner, transaction_id, envelope)
            try:
                answer = self._invoker.submit(user, call.fence, on_signed=keep, policy=FENCE).result
            except Exception as exc:
                error = to_api_error(exc)
                if error.disposition is Disposition.UNKNOWN:
                    return None
                if error.status == 503:  # a till asks again after a 503 anyway
                    raise
                # Refused, or lost every race: the write may still commit, so no final answer yet.
                raise ApiError(409, "OUTCOME_UNKNOWN",
                               f"transaction {claim.transaction_id} of the first request has not committed yet, "
                               f"and the fence that cancels it failed ({error.code}: {error.message}): repeat "
                               "the request to ask again", transaction_id=claim.transaction_id,
                               disposition=Disposition.UNKNOWN, headers={"Retry-After": "2"}) from None
        outcome = json.loads(answer)
        if outcome["cancelled"]:
            return stored_error(ApiError(
                409, PAYMENT_CANCELLED.code,
                f"transaction {claim.transaction_id} of the first request had no outcome, so the gateway cancelled "
                "its payment code: it can never commit; ask the holder for a new code and pay with a new "
                "Idempotency-Key", transaction_id=claim.transaction_id))
        if outcome["payment_id"] != claim.transaction_id:
            return stored_error(ApiError(
                409, "CODE_REPLAYED", f"payment {outcome['payment_id']} used this payment code first: "
                f"transaction {claim.transaction_id} of the first request can never commit",
                transaction_id=claim.transaction_id))
        paid = self._ledger.transaction(user, call.channel, claim.transaction_id)
        return None if paid is None else shape(paid.result, paid.transaction_id)

    def _settle(self, user: User, envelope: bytes) -> TransactionRecord | None:
        """Re-sends a kept envelope; its record once committed, None while still unknown."""
        try:
            settled = self._invoker.settle(user, envelope)
        except CommitStatusError:
            return None
        return TransactionRecord(settled.transaction_id, settled.block_number, settled.validation_code,
                                 settled.result)
