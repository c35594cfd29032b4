"""The shim side of one peer's chaincode stream: registration, concurrent transactions, replies.

Transport-agnostic: the server feeds every message from the peer to `handle()` and gives a `send`
callable that queues a message on the stream; both run on the server's event loop thread. Every TRANSACTION runs in a greenlet of its own on that thread: a stub request sends its
message and switches back to the loop, and `handle()` switches into the transaction again with the
peer's reply, found by (channel id, tx id). Contract code stays synchronous, and no message
crosses a thread on its way in or out. Why: see README.md.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable

import greenlet
from fabric_protos.peer import chaincode_pb2
from fabric_protos.peer import chaincode_shim_pb2 as pb
from fabric_protos.peer import proposal_response_pb2

from .errors import PeerError, ShimError
from .interface import ChaincodeInterface
from .response import ERROR_THRESHOLD
from .runners import Runners
from .stub import ChaincodeStub

log = logging.getLogger(__name__)

Message = pb.ChaincodeMessage
# The Go shim never batches fewer than this, whatever the peer advertises.
_MIN_BATCH = 100
_LOST = Message(type=Message.ERROR, payload=b"connection to the peer was lost")
# Fabric 3.1.1 can crash a peer whose execute timeout fires while it serves a range query of the
# timed-out transaction (hyperledger/fabric#5048, fixed in 3.1.5), so we end a transaction first:
# past this, its next request to the peer fails instead of being sent. 5 s under the peers'
# default chaincode.executetimeout of 30 s; our network tooling passes five sixths of the
# organisation's `chaincode_timeout_seconds` (network/config/consortium.py).
DEFAULT_TX_DEADLINE = 25.0


class TransactionTimeout(ShimError):
    """The transaction ran past the shim's deadline; its requests to the peer stop."""


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What the peer offered in READY (core.yaml chaincode.runtimeParams); 0 means not offered."""

    write_batch: int = 0
    get_multiple: int = 0

    @classmethod
    def from_ready(cls, payload: bytes) -> "Capabilities":
        if not payload:
            return cls()
        params = chaincode_pb2.ChaincodeAdditionalParams.FromString(payload)
        return cls(
            max(params.max_size_write_batch, _MIN_BATCH) if params.use_write_batch else 0,
            max(params.max_size_get_multiple_keys, _MIN_BATCH) if params.use_get_multiple_keys else 0,
        )


class Connection:
    """One peer's stream: `start()`, then `handle()` each message from the peer, then `close()`."""

    def __init__(
        self, chaincode: ChaincodeInterface, chaincode_id: str, send: Callable[[Message], None],
        tx_deadline: float = DEFAULT_TX_DEADLINE, clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._chaincode = chaincode
        self._tx_deadline = tx_deadline
        self._clock = clock
        self._started: dict[tuple[str, str], float] = {}
        self._chaincode_id = chaincode_id
        self._send = send
        self._runners = Runners()
        self._running: dict[tuple[str, str], greenlet.greenlet] = {}
        self._waiting: set[tuple[str, str]] = set()  # running ones that await the peer's reply
        self._registered = self._ready = self._closed = False
        self.capabilities = Capabilities()

    def start(self) -> None:
        """Registers: the first message on a stream is ours."""
        self._send(
            Message(
                type=Message.REGISTER,
                payload=chaincode_pb2.ChaincodeID(name=self._chaincode_id).SerializeToString(),
            )
        )

    @property
    def busy(self) -> bool:
        """Some transaction is running (waiting for the peer's reply to one of its requests)."""
        return bool(self._running)

    def close(self) -> None:
        """The stream ended: transactions still waiting for the peer fail with PeerError."""
        self._closed = True
        while self._waiting:
            self._running[self._waiting.pop()].switch(_LOST)

    def request(self, kind: int, payload: bytes, channel_id: str, tx_id: str) -> bytes:
        """Sends one request of a transaction and returns the RESPONSE payload.

        Called from the transaction's greenlet, which waits for the reply without blocking the
        loop. Raises PeerError if the peer answers ERROR: the request was not applied.
        """
        if self._closed:
            raise PeerError(_LOST.payload.decode())
        key = (channel_id, tx_id)
        current = greenlet.getcurrent()
        if self._running.get(key) is not current:
            raise ShimError("stub calls must come from the thread running the transaction")
        if self._clock() - self._started[key] > self._tx_deadline:
            raise TransactionTimeout(f"the transaction ran longer than {self._tx_deadline:g} s: "
                                     "stopped before the peer's execute timeout")
        self._send(Message(type=kind, payload=payload, txid=tx_id, channel_id=channel_id))
        self._waiting.add(key)
        reply = current.parent.switch()
        if reply.type == Message.RESPONSE:
            return reply.payload
        if reply.type == Message.ERROR:
            raise PeerError(reply.payload.decode(errors="replace"))
        raise PeerError(f"peer answered {Message.Type.Name(kind)} with {Message.Type.Name(reply.type)}")

    def handle(self, message: Message) -> None:
        """Dispatches one message from the peer; raises PeerError for a protocol violation."""
        kind = message.type
        if kind == Message.RESPONSE or kind == Message.ERROR:
            key = (message.channel_id, message.txid)
            if key in self._waiting:
                self._waiting.remove(key)
                self._in_transaction(message, self._running[key].switch, message)
            else:
                log.warning("reply for no waiting transaction", extra={"txid": message.txid})
        elif (kind == Message.TRANSACTION or kind == Message.INIT) and self._ready:
            self._in_transaction(message, self._runners.start, self._execute, message)
        elif kind == Message.KEEPALIVE:
            self._send(message)
        elif kind == Message.REGISTERED and not self._registered:
            self._registered = True
        elif kind == Message.READY and self._registered and not self._ready:
            self.capabilities = Capabilities.from_ready(message.payload)
            self._ready = True
            log.info("registered with peer", extra={"capabilities": str(self.capabilities)})
        else:
            raise PeerError(f"unexpected {Message.Type.Name(kind)} from peer at this point")

    def _in_transaction(self, message: Message, run: Callable, *args: object) -> None:
        """Starts or resumes the transaction of `message`: whatever escapes it fails that
        transaction only, never the stream with every other transaction on it."""
        try:
            run(*args)
        except Exception as exc:
            log.exception("transaction broke out of its runner", extra={"txid": message.txid})
            self._send(_error_reply(message, f"{type(exc).__name__}: {exc}"))

    def _execute(self, message: Message) -> None:
        key = (message.channel_id, message.txid)
        if key in self._running:
            self._send(_error_reply(message, "a transaction with this id is already running"))
            return
        self._running[key] = greenlet.getcurrent()
        self._started[key] = self._clock()
        try:
            reply = self._run(message)
        finally:
            del self._running[key], self._started[key]
        self._send(reply)

    def _run(self, message: Message) -> Message:
        try:
            stub = ChaincodeStub(self, message)
            if message.type == Message.INIT:
                response = self._chaincode.init(stub)
            else:
                response = self._chaincode.invoke(stub)
            succeeded = response.status < ERROR_THRESHOLD
            if succeeded:
                stub.flush()
            # inside the try: a response of the wrong types fails its transaction like any error
            reply = Message(
                type=Message.COMPLETED,
                txid=message.txid,
                channel_id=message.channel_id,
                payload=proposal_response_pb2.Response(
                    status=response.status, message=response.message, payload=response.payload
                ).SerializeToString(),
            )
            if succeeded and stub.event is not None:
                reply.chaincode_event.event_name = stub.event.name
                reply.chaincode_event.payload = stub.event.payload
        except PeerError as exc:  # the peer refused the batched writes
            log.warning("peer refused the transaction", extra={"txid": message.txid, "reason": str(exc)})
            return _error_reply(message, f"PeerError: {exc}")
        except BaseException as exc:  # even SystemExit: the peer must get its one reply
            log.exception("transaction failed in the shim", extra={"txid": message.txid})
            return _error_reply(message, f"{type(exc).__name__}: {exc}")
        return reply


def _error_reply(message: Message, text: str) -> Message:
    return Message(
        type=Message.ERROR, txid=message.txid, channel_id=message.channel_id, payload=text.encode()
    )
