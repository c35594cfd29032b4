"""Writes at most once per Idempotency-Key: replays, waiting for a running duplicate, and asking the
ledger and re-sending the same envelope (never submitting a second transaction) when an earlier
outcome is unknown; past the bound, a payment is settled by its fence (its code's cancellation)."""
from __future__ import annotations

import sqlite3
import threading

import grpc
import pytest

from grootboek.api.auth.roles import Role
from grootboek.api.auth.user import User
from grootboek.api.errors import ApiError
from grootboek.api.fabric.calls import ChaincodeCall
from grootboek.api.fabric.invoker import Settled
from grootboek.api.fabric.ledger import TransactionRecord
from grootboek.api.fabric.writes import FENCE_AFTER_SECONDS, Writes
from grootboek.api.routing.route import json_result
from grootboek.api.store.database import FILE_NAME, SCHEMA, Database
from grootboek.api.store.idempotency import IdempotencyStore, InProgress, Replay
from grootboek.client import CommitError, CommitStatusError, EndorseError, ErrorDetail

from .fakes import FakeInvoker, FakeLedger

USER = User("shop", "MerchantsMSP", frozenset({Role.MERCHANT}), "digest", merchant="fietsenwinkel")
CALL = ChaincodeCall("kindpakket", "budgets", "Budgets:pay", ("b-1", "100"), write=True,
                     fence=ChaincodeCall("kindpakket", "budgets", "Budgets:cancel_code", ("b-1",), write=True))
SHAPE = json_result(201)


@pytest.fixture
def store(tmp_path) -> IdempotencyStore:
    return IdempotencyStore(Database(tmp_path))


def _writes(store, invoker, ledger=None, **options) -> Writes:
    return Writes(store, invoker, ledger or FakeLedger(), **options)


def test_a_repeat_is_replayed_without_submitting(store):
    invoker = FakeInvoker({"pay": lambda call: b'{"paid": true}'})
    writes = _writes(store, invoker)
    first = writes.execute(USER, CALL, SHAPE, "k1", "fp")
    again = writes.execute(USER, CALL, SHAPE, "k1", "fp")
    assert (first.replayed, again.replayed) == (False, True)
    assert again.response == first.response and first.response.status == 201
    assert invoker.submitted("pay") == 1


def test_keys_belong_to_one_request_and_one_user(store):
    invoker = FakeInvoker({"pay": lambda call: b"{}"})
    writes = _writes(store, invoker)
    writes.execute(USER, CALL, SHAPE, "k1", "fp")
    with pytest.raises(ApiError) as reused:
        writes.execute(USER, CALL, SHAPE, "k1", "another body")
    assert (reused.value.status, reused.value.code) == (422, "IDEMPOTENCY_KEY_REUSED")
    other_user = User("shop2", "MerchantsMSP", frozenset({Role.MERCHANT}), "d2", merchant="sportwinkel")
    assert not writes.execute(other_user, CALL, SHAPE, "k1", "fp").replayed


def test_a_refusal_is_kept_and_replayed(store):
    def refuse(call):
        raise EndorseError("failed", transaction_id="tx9", code=grpc.StatusCode.ABORTED,
                           details=[ErrorDetail("p", "M", "chaincode response 500, CODE_REPLAYED: used")])
    invoker = FakeInvoker({"pay": refuse})
    writes = _writes(store, invoker)
    with pytest.raises(ApiError) as first:
        writes.execute(USER, CALL, SHAPE, "k1", "fp")
    again = writes.execute(USER, CALL, SHAPE, "k1", "fp")
    assert (first.value.status, again.response.status) == (409, 409)
    assert b"CODE_REPLAYED" in again.response.body and again.replayed
    assert invoker.submitted("pay") == 1


def test_a_failure_that_reached_nothing_frees_the_key(store):
    outcomes = iter([EndorseError("down", transaction_id="tx1", code=grpc.StatusCode.UNAVAILABLE), b"{}"])

    def flaky(call):
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome
    invoker = FakeInvoker({"pay": flaky})
    writes = _writes(store, invoker)
    with pytest.raises(ApiError) as unavailable:
        writes.execute(USER, CALL, SHAPE, "k1", "fp")
    assert unavailable.value.status == 503
    assert writes.execute(USER, CALL, SHAPE, "k1", "fp").response.status == 201
    assert invoker.submitted("pay") == 2


def _unknown_then(store, ledger, then=lambda call: b'{"second": true}', fence=None):
    answers = iter([CommitStatusError("deadline", transaction_id="tx1",
                                      code=grpc.StatusCode.DEADLINE_EXCEEDED)])

    def pay(call):
        outcome = next(answers, None)
        if outcome is None:
            return then(call)
        raise outcome
    invoker = FakeInvoker({"pay": pay, **({"cancel_code": fence} if fence else {})})
    writes = _writes(store, invoker, ledger, fence_after_seconds=0 if fence else FENCE_AFTER_SECONDS)
    with pytest.raises(ApiError) as unknown:
        writes.execute(USER, CALL, SHAPE, "k1", "fp")
    error = unknown.value
    assert (error.status, error.code, error.transaction_id) == (504, "OUTCOME_UNKNOWN", "tx1")
    return writes, invoker


def test_an_unknown_outcome_is_answered_from_the_ledger_once_committed(store):
    ledger = FakeLedger()
    writes, invoker = _unknown_then(store, ledger)
    with pytest.raises(ApiError) as still_unknown:
        writes.execute(USER, CALL, SHAPE, "k1", "fp")
    assert (still_unknown.value.status, still_unknown.value.code) == (409, "OUTCOME_UNKNOWN")
    ledger.transactions["tx1"] = TransactionRecord("tx1", 12, "VALID", b'{"first": true}')
    resolved = writes.execute(USER, CALL, SHAPE, "k1", "fp")
    assert (resolved.response.status, resolved.response.body) == (201, b'{"first": true}')
    assert resolved.replayed
    assert writes.execute(USER, CALL, SHAPE, "k1", "fp").response.body == b'{"first": true}'
    assert invoker.submitted("pay") == 1


def test_an_unknown_outcome_is_settled_by_re_sending_the_kept_envelope(store):
    writes, invoker = _unknown_then(store, FakeLedger())
    with pytest.raises(ApiError) as still_unknown:  # the orderers are still down
        writes.execute(USER, CALL, SHAPE, "k1", "fp")
    assert "sent again" in still_unknown.value.message and invoker.resent == [b"envelope of tx1"]
    invoker.settles["tx1"] = Settled("tx1", "VALID", 12, b'{"first": true}')  # they are back
    resolved = writes.execute(USER, CALL, SHAPE, "k1", "fp")
    assert (resolved.response.status, resolved.response.body) == (201, b'{"first": true}')
    assert resolved.response.transaction_id == "tx1" and resolved.replayed
    assert invoker.resent == [b"envelope of tx1"] * 2 and invoker.submitted("pay") == 1
    assert writes.execute(USER, CALL, SHAPE, "k1", "fp").response.body == b'{"first": true}'
    assert len(invoker.resent) == 2  # settled: replayed from then on


def test_a_transaction_that_was_never_signed_was_never_sent_and_starts_afresh(tmp_path):
    store = IdempotencyStore(Database(tmp_path), lease_seconds=0)
    claim = store.claim(USER.name, "k1", "fp")  # the gateway died between proposal and signature
    store.record_transaction(USER.name, "k1", claim.owner, "tx-never-sent")
    invoker = FakeInvoker({"pay": lambda call: b"{}"})
    assert _writes(store, invoker).execute(USER, CALL, SHAPE, "k1", "fp").response.status == 201
    assert invoker.submitted("pay") == 1 and invoker.resent == []


def test_a_record_from_before_envelopes_were_kept_is_only_asked_about(tmp_path):
    with sqlite3.connect(tmp_path / FILE_NAME) as old:
        old.executescript(SCHEMA.replace("    envelope BLOB,\n", ""))
        old.execute("INSERT INTO idempotency (user, key, fingerprint, state, transaction_id, created_at)"
                    " VALUES (?, 'k1', 'fp', 'unknown', 'tx-old', 0)", (USER.name,))
    invoker = FakeInvoker({"pay": lambda call: b"{}"})
    writes = _writes(IdempotencyStore(Database(tmp_path)), invoker)
    with pytest.raises(ApiError) as unknown:
        writes.execute(USER, CALL, SHAPE, "k1", "fp")
    assert (unknown.value.code, unknown.value.transaction_id) == ("OUTCOME_UNKNOWN", "tx-old")
    assert invoker.submitted("pay") == 0 and invoker.resent == []


def test_an_unknown_outcome_that_lost_an_mvcc_race_is_submitted_afresh(store):
    ledger = FakeLedger()
    writes, invoker = _unknown_then(store, ledger)
    ledger.transactions["tx1"] = TransactionRecord("tx1", 12, "MVCC_READ_CONFLICT", b"")
    assert writes.execute(USER, CALL, SHAPE, "k1", "fp").response.body == b'{"second": true}'
    assert invoker.submitted("pay") == 2


def test_an_unknown_outcome_that_committed_invalid_is_final(store):
    ledger = FakeLedger()
    writes, _ = _unknown_then(store, ledger)
    ledger.transactions["tx1"] = TransactionRecord("tx1", 12, "ENDORSEMENT_POLICY_FAILURE", b"")
    answer = writes.execute(USER, CALL, SHAPE, "k1", "fp")
    assert answer.response.status == 409 and b"ENDORSEMENT_POLICY_FAILURE" in answer.response.body


def test_a_mvcc_conflict_after_the_clients_retries_frees_the_key(store):
    conflicts = iter([CommitError("tx1", 11, "MVCC_READ_CONFLICT", 3)])

    def pay(call):
        conflict = next(conflicts, None)
        if conflict:
            raise conflict
        return b"{}"
    invoker = FakeInvoker({"pay": pay})
    writes = _writes(store, invoker)
    with pytest.raises(ApiError) as conflict:
        writes.execute(USER, CALL, SHAPE, "k1", "fp")
    assert (conflict.value.status, conflict.value.code) == (409, "MVCC_READ_CONFLICT")
    assert writes.execute(USER, CALL, SHAPE, "k1", "fp").response.status == 201


def test_a_concurrent_duplicate_waits_for_the_first_and_gets_its_result(store):
    release, started = threading.Event(), threading.Event()

    def slow_pay(call):
        started.set()
        release.wait()
        return b'{"once": true}'
    invoker = FakeInvoker({"pay": slow_pay})
    writes = _writes(store, invoker, poll_seconds=0.001)
    results = {}

    def request(name: str) -> threading.Thread:
        def run() -> None:
            results[name] = writes.execute(USER, CALL, SHAPE, "k1", "fp")
        return threading.Thread(target=run)

    first = request("first")
    first.start()
    started.wait()
    second = request("second")
    second.start()
    release.set()
    first.join()
    second.join()
    assert results["second"].replayed and results["second"].response == results["first"].response
    assert invoker.submitted("pay") == 1


def test_a_duplicate_that_waited_too_long_is_told_to_come_back(store):
    store.claim(USER.name, "k1", "fp")  # another worker holds the key
    writes = _writes(store, FakeInvoker(), wait_seconds=0)
    with pytest.raises(ApiError) as busy:
        writes.execute(USER, CALL, SHAPE, "k1", "fp")
    assert (busy.value.status, busy.value.code) == (409, "IDEMPOTENCY_KEY_IN_USE")
    assert busy.value.headers["Retry-After"] == "1"


def test_a_running_request_keeps_its_claim_past_the_lease_by_renewing_it(tmp_path):
    store = IdempotencyStore(Database(tmp_path), lease_seconds=1.5)
    release, started = threading.Event(), threading.Event()

    def slow_pay(call):
        started.set()
        release.wait()
        return b"{}"
    first = threading.Thread(target=_writes(store, FakeInvoker({"pay": slow_pay})).execute,
                             args=(USER, CALL, SHAPE, "k1", "fp"))
    first.start()
    started.wait()
    with store.renewed:  # four renewals: two seconds, past the first lease
        assert store.renewed.wait_for(lambda: store.renewals >= 4, timeout=30)
    assert isinstance(store.claim(USER.name, "k1", "fp"), InProgress)  # not taken over
    release.set()
    first.join()
    assert isinstance(store.claim(USER.name, "k1", "fp"), Replay)


def test_a_key_whose_holder_died_before_proposing_is_taken_over(tmp_path):
    store = IdempotencyStore(Database(tmp_path), lease_seconds=0)
    store.claim(USER.name, "k1", "fp")  # a worker that died at once: its lease has run out
    invoker = FakeInvoker({"pay": lambda call: b"{}"})
    assert _writes(store, invoker).execute(USER, CALL, SHAPE, "k1", "fp").response.status == 201
    assert invoker.submitted("pay") == 1


CANCELLED = b'{"budget_id": "b-1", "nonce": "n", "cancelled": true, "payment_id": null}'


def _used_by(transaction_id: str) -> bytes:
    return f'{{"budget_id": "b-1", "nonce": "n", "cancelled": false, "payment_id": "{transaction_id}"}}'.encode()


def test_a_payment_unknown_past_the_bound_is_fenced_and_then_cancelled_for_good(store):
    writes, invoker = _unknown_then(store, FakeLedger(), fence=lambda call: CANCELLED)
    cancelled = writes.execute(USER, CALL, SHAPE, "k1", "fp").response
    assert (cancelled.status, cancelled.transaction_id) == (409, "tx1")
    assert b'"PAYMENT_CANCELLED"' in cancelled.body and b"new code" in cancelled.body
    assert writes.execute(USER, CALL, SHAPE, "k1", "fp").response == cancelled  # final: replayed
    assert invoker.submitted("pay") == 1 and invoker.submitted("cancel_code") == 1
    assert invoker.resent == []  # past the bound the fence decides: no re-send to wait for


def test_within_the_bound_the_payment_is_only_re_sent(store):
    writes, invoker = _unknown_then(store, FakeLedger())
    with pytest.raises(ApiError) as unknown:
        writes.execute(USER, CALL, SHAPE, "k1", "fp")
    assert unknown.value.code == "OUTCOME_UNKNOWN" and invoker.resent == [b"envelope of tx1"]
    assert invoker.submitted("cancel_code") == 0


def test_a_fence_that_finds_the_code_used_by_the_payment_answers_paid(store):
    ledger = FakeLedger()

    def fence(call):  # the payment committed after the gateway asked the ledger, before the fence
        ledger.transactions["tx1"] = TransactionRecord("tx1", 12, "VALID", b'{"first": true}')
        return _used_by("tx1")
    writes, invoker = _unknown_then(store, ledger, fence=fence)
    paid = writes.execute(USER, CALL, SHAPE, "k1", "fp")
    assert (paid.response.status, paid.response.body, paid.response.transaction_id) == (201, b'{"first": true}', "tx1")
    assert invoker.submitted("pay") == 1


def test_a_fence_of_unknown_outcome_is_re_sent_and_a_fence_that_lost_a_race_is_proposed_again(store):
    ledger = FakeLedger()
    fences = iter([CommitStatusError("deadline", transaction_id="tx2", code=grpc.StatusCode.DEADLINE_EXCEEDED),
                   _used_by("tx1")])

    def fence(call):
        outcome = next(fences)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome
    writes, invoker = _unknown_then(store, ledger, fence=fence)
    with pytest.raises(ApiError) as unknown:  # the orderers are down: the fence waits too
        writes.execute(USER, CALL, SHAPE, "k1", "fp")
    assert (unknown.value.status, unknown.value.code) == (409, "OUTCOME_UNKNOWN")
    assert "fence" in unknown.value.message
    with pytest.raises(ApiError):  # asked again: the same fence is re-sent, no new one made
        writes.execute(USER, CALL, SHAPE, "k1", "fp")
    assert invoker.resent == [b"envelope of tx2"] and invoker.submitted("cancel_code") == 1
    # The payment committed first; the fence, ordered after it, was invalidated by MVCC.
    ledger.transactions["tx1"] = TransactionRecord("tx1", 12, "VALID", b'{"first": true}')
    ledger.transactions["tx2"] = TransactionRecord("tx2", 13, "MVCC_READ_CONFLICT", b"")
    paid = writes.execute(USER, CALL, SHAPE, "k1", "fp").response
    assert (paid.status, paid.body) == (201, b'{"first": true}')
    assert invoker.submitted("cancel_code") == 2 and invoker.submitted("pay") == 1


def test_a_fence_that_finds_the_code_used_by_another_payment_is_final(store):
    writes, _ = _unknown_then(store, FakeLedger(), fence=lambda call: _used_by("tx-other-till"))
    answer = writes.execute(USER, CALL, SHAPE, "k1", "fp").response
    assert answer.status == 409 and b'"CODE_REPLAYED"' in answer.body and b"tx-other-till" in answer.body


def test_a_refused_fence_leaves_the_outcome_unknown_never_a_final_failure(store):
    def fence(call):
        raise EndorseError("refused", transaction_id="tx2", code=grpc.StatusCode.ABORTED,
                           details=[ErrorDetail("p", "M", "chaincode response 500, FORBIDDEN: not a merchant")])
    writes, _ = _unknown_then(store, FakeLedger(), fence=fence)
    with pytest.raises(ApiError) as unknown:  # the payment may still commit: the till must ask again
        writes.execute(USER, CALL, SHAPE, "k1", "fp")
    assert (unknown.value.status, unknown.value.code) == (409, "OUTCOME_UNKNOWN")
    assert "FORBIDDEN" in unknown.value.message
