"""Stand-ins for Fabric in unit tests: an invoker that answers from a table, and a ledger that
knows the transactions it is told about."""
from __future__ import annotations

import threading
from typing import Callable

from grootboek.api.auth.user import User
from grootboek.api.fabric.calls import ChaincodeCall
from grootboek.api.fabric.invoker import Submitted
from grootboek.api.fabric.ledger import ChainInfo, TransactionRecord

Answer = Callable[[ChaincodeCall], bytes]


class FakeInvoker:
    """Answers calls by function name; an answer may raise (a client error, as Fabric would)."""

    def __init__(self, answers: dict[str, Answer] | None = None, default: Answer | None = None) -> None:
        self.answers = answers or {}
        self.default = default
        self.calls: list[tuple[str, ChaincodeCall]] = []
        self._lock = threading.Lock()
        self._transactions = 0

    def _answer(self, call: ChaincodeCall) -> bytes:
        answer = self.answers.get(call.function.split(":")[-1], self.default)
        if answer is None:
            raise AssertionError(f"no answer for {call.function}")
        return answer(call)

    def evaluate(self, user: User, call: ChaincodeCall) -> bytes:
        self.calls.append((user.name, call))
        return self._answer(call)

    def submit(self, user: User, call: ChaincodeCall, on_proposal=lambda _: None) -> Submitted:
        with self._lock:
            self._transactions += 1
            transaction_id = f"tx{self._transactions}"
        self.calls.append((user.name, call))
        on_proposal(transaction_id)
        return Submitted(self._answer(call), transaction_id)

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
