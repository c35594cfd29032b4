"""Stand-ins for Fabric in unit tests: an invoker that answers from a table (and settles re-sent
envelopes from another), and a ledger that knows the transactions it is told about."""
from __future__ import annotations

import threading
from typing import Callable

from grootboek.api.auth.user import User
from grootboek.api.fabric.calls import ChaincodeCall
from grootboek.api.fabric.invoker import Settled, Submitted
from grootboek.api.fabric.ledger import ChainInfo, TransactionRecord
from grootboek.client import CommitStatusError

Answer = Callable[[ChaincodeCall], bytes]


class FakeInvoker:
    """Answers calls by function name; an answer may raise (a client error, as Fabric would)."""

    def __init__(self, answers: dict[str, Answer] | None = None, default: Answer | None = None) -> None:
        self.answers = answers or {}
        self.default = default
        self.calls: list[tuple[str, ChaincodeCall]] = []
        self._lock = threading.Lock()
        self._transactions = 0
        self.signs = True
        """Whether a submit gets as far as a signed envelope (reported to `on_signed`)."""
        self.settles: dict[str, Settled] = {}
        """What re-sending a transaction's envelope leads to; others stay unknown."""
        self.resent: list[bytes] = []

    def _answer(self, call: ChaincodeCall) -> bytes:
        answer = self.answers.get(call.function.split(":")[-1], self.default)
        if answer is None:
            raise AssertionError(f"no answer for {call.function}")
        return answer(call)

    def evaluate(self, user: User, call: ChaincodeCall) -> bytes:
        self.calls.append((user.name, call))
        return self._answer(call)

    def submit(self, user: User, call: ChaincodeCall, on_proposal=lambda _: None,
               on_signed=lambda _, __: None, policy=None) -> Submitted:
        with self._lock:
            self._transactions += 1
            transaction_id = f"tx{self._transactions}"
        self.calls.append((user.name, call))
        on_proposal(transaction_id)
        if self.signs:
            on_signed(transaction_id, f"envelope of {transaction_id}".encode())
        return Submitted(self._answer(call), transaction_id)

    def settle(self, user: User, signed_transaction: bytes) -> Settled:
        self.resent.append(signed_transaction)
        transaction_id = signed_transaction.decode().removeprefix("envelope of ")
        if transaction_id not in self.settles:
            raise CommitStatusError("no commit status in time", transaction_id=transaction_id)
        return self.settles[transaction_id]

    def submitted(self, function: str) -> int:
        return sum(1 for _, call in self.calls if call.write and call.function.endswith(function))


class FakeLedger:
    def __init__(self) -> None:
        self.transactions: dict[str, TransactionRecord] = {}
        self.height = 5

    def chain_info(self, user: User, channel: str) -> ChainInfo:
        return ChainInfo(self.height, "ab" * 32)

    def transaction(self, user: User, channel: str, transaction_id: str) -> TransactionRecord | None:
        return self.transactions.get(transaction_id)
