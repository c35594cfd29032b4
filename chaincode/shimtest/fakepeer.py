"""A fake peer: the peer's side of the chaincode stream, for tests and measurements.

It dials a chaincode server like a Fabric peer does (optionally with TLS and a client
certificate), registers it, sends TRANSACTIONs and answers the shim's requests from a small
simulated ledger: committed state, per-transaction write sets applied on a successful COMPLETED,
history, metadata, private data hashes, range queries in pages, and the peer's refusals (writes
after a paginated query, rich queries on "LevelDB"). Every message the chaincode sends is kept in
`received` for assertions.
"""
from __future__ import annotations

import hashlib
import itertools
import threading
import uuid
from concurrent.futures import Future
from dataclasses import dataclass, field
from queue import SimpleQueue
from typing import Callable, Iterator

import grpc
from fabric_protos.ledger.queryresult import kv_query_result_pb2 as qr
from fabric_protos.peer import chaincode_pb2
from fabric_protos.peer import chaincode_shim_pb2 as pb
from fabric_protos.peer import chaincode_shim_pb2_grpc as rpc
from fabric_protos.peer import proposal_response_pb2

from grootboek.chaincode.shim.server import MAX_MESSAGE_SIZE

from .proposals import build_signed_proposal

Message = pb.ChaincodeMessage
Record = pb.WriteRecord
_END = object()


@dataclass(frozen=True)
class ClientTls:
    """What the peer presents when dialing a TLS chaincode server."""

    root_cert: bytes
    cert: bytes | None = None
    key: bytes | None = None
    server_name: str = "localhost"


@dataclass
class _Tx:
    future: Future
    writes: list[Record] = field(default_factory=list)
    paginated: bool = False


class FakePeer:
    def __init__(
        self,
        address: str,
        *,
        tls: ClientTls | None = None,
        write_batch: int = 0,
        get_multiple: int = 0,
        batch: int = 2,
        record: bool = True,
    ) -> None:
        """`write_batch`/`get_multiple`: sizes advertised in READY (0: not offered).
        `batch`: results per QueryResponse for unpaginated queries (small, to exercise paging)."""
        options = [
            ("grpc.max_send_message_length", MAX_MESSAGE_SIZE),
            ("grpc.max_receive_message_length", MAX_MESSAGE_SIZE),
        ]
        if tls is None:
            self._channel = grpc.insecure_channel(address, options=options)
        else:
            credentials = grpc.ssl_channel_credentials(tls.root_cert, tls.key, tls.cert)
            options.append(("grpc.ssl_target_name_override", tls.server_name))
            self._channel = grpc.secure_channel(address, credentials, options=options)
        self._params = chaincode_pb2.ChaincodeAdditionalParams(
            use_write_batch=write_batch > 0,
            max_size_write_batch=write_batch,
            use_get_multiple_keys=get_multiple > 0,
            max_size_get_multiple_keys=get_multiple,
        )
        self._batch = batch
        self._record = record
        self.state: dict[tuple[str, str], bytes] = {}  # (collection, key) -> committed value
        self.metadata: dict[tuple[str, str], dict[str, bytes]] = {}
        self.history: dict[str, list[qr.KeyModification]] = {}
        self.received: list[Message] = []
        self.closed_queries: list[str] = []
        #: Called for each request; a returned string is sent back as the peer's ERROR.
        self.refuse: Callable[[Message], str | None] = lambda message: None
        self.chaincode_id = ""
        self._outbox: SimpleQueue = SimpleQueue()
        self._txs: dict[tuple[str, str], _Tx] = {}
        self._queries: dict[str, Iterator[qr.KV]] = {}
        self._keepalive = threading.Event()
        self._lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------------
    def connect(self, timeout: float = 10.0) -> "FakePeer":
        """Opens the stream and completes registration (REGISTER, REGISTERED, READY)."""
        self._replies = rpc.ChaincodeStub(self._channel).Connect(self._outgoing())
        register = next(self._replies)
        if register.type != Message.REGISTER:
            raise AssertionError(f"expected REGISTER, got {Message.Type.Name(register.type)}")
        self.chaincode_id = chaincode_pb2.ChaincodeID.FromString(register.payload).name
        self._outbox.put(Message(type=Message.REGISTERED))
        self._outbox.put(Message(type=Message.READY, payload=self._params.SerializeToString()))
        self._reader = threading.Thread(target=self._read, name="fake-peer", daemon=True)
        self._reader.start()
        return self

    def close(self) -> None:
        self._outbox.put(_END)
        self._channel.close()

    def __enter__(self) -> "FakePeer":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- driving transactions --------------------------------------------------------------------
    def submit(
        self,
        *args: bytes | str,
        channel: str = "ch",
        tx_id: str | None = None,
        creator: bytes = b"",
        transient: dict[str, bytes] | None = None,
        init: bool = False,
        payload: bytes | None = None,
    ) -> Future:
        """Sends a TRANSACTION (or INIT); the future resolves to the COMPLETED or ERROR message.

        `payload` replaces the encoded ChaincodeInput (to send garbage).
        """
        wire = [a.encode() if isinstance(a, str) else a for a in args]
        tx_id, proposal = build_signed_proposal(
            channel_id=channel, chaincode_name="cc", creator=creator, args=wire,
            transient=transient, tx_id=tx_id,
        )
        future: Future = Future()
        with self._lock:
            self._txs[(channel, tx_id)] = _Tx(future)
        if payload is None:
            payload = chaincode_pb2.ChaincodeInput(args=wire).SerializeToString()
        message = Message(
            type=Message.INIT if init else Message.TRANSACTION,
            txid=tx_id,
            channel_id=channel,
            proposal=proposal,
            payload=payload,
        )
        self._outbox.put(message)
        return future

    def invoke(self, *args: bytes | str, timeout: float = 10.0, **kwargs) -> Message:
        return self.submit(*args, **kwargs).result(timeout)

    @staticmethod
    def response(message: Message) -> proposal_response_pb2.Response:
        """The peer.Response inside a COMPLETED message."""
        if message.type != Message.COMPLETED:
            raise AssertionError(f"{Message.Type.Name(message.type)}: {message.payload!r}")
        return proposal_response_pb2.Response.FromString(message.payload)

    def keepalive(self, timeout: float = 10.0) -> bool:
        """Sends KEEPALIVE; True once the chaincode has echoed it."""
        self._keepalive.clear()
        self._outbox.put(Message(type=Message.KEEPALIVE))
        return self._keepalive.wait(timeout)

    def of_type(self, kind: int) -> list[Message]:
        return [m for m in self.received if m.type == kind]

    # -- the stream ------------------------------------------------------------------------------
    def _outgoing(self) -> Iterator[Message]:
        while (message := self._outbox.get()) is not _END:
            yield message

    def _read(self) -> None:
        try:
            for message in self._replies:
                if self._record:
                    self.received.append(message)
                self._handle(message)
        except grpc.RpcError:
            pass
        finally:
            with self._lock:
                pending, self._txs = list(self._txs.values()), {}
            for tx in pending:
                tx.future.set_exception(ConnectionError("chaincode stream ended"))

    def _handle(self, message: Message) -> None:
        key = (message.channel_id, message.txid)
        if message.type == Message.KEEPALIVE:
            self._keepalive.set()
        elif message.type in (Message.COMPLETED, Message.ERROR):
            with self._lock:
                tx = self._txs.pop(key)
            if message.type == Message.COMPLETED and self.response(message).status < 400:
                self._commit(message.txid, tx.writes)
            tx.future.set_result(message)
        else:
            tx = self._txs[key]
            refusal = self.refuse(message)
            try:
                if refusal is not None:
                    raise _Refused(refusal)
                payload = self._serve(tx, message)
                reply = Message(type=Message.RESPONSE, payload=payload)
            except _Refused as exc:
                reply = Message(type=Message.ERROR, payload=str(exc).encode())
            reply.txid, reply.channel_id = message.txid, message.channel_id
            self._outbox.put(reply)

    def _serve(self, tx: _Tx, message: Message) -> bytes:
        kind = message.type
        if kind == Message.GET_STATE:
            request = pb.GetState.FromString(message.payload)
            return self.state.get((request.collection, request.key), b"")
        if kind == Message.GET_STATE_MULTIPLE:
            request = pb.GetStateMultiple.FromString(message.payload)
            values = [self.state.get((request.collection, k), b"") for k in request.keys]
            return pb.GetStateMultipleResult(values=values).SerializeToString()
        if kind == Message.GET_PRIVATE_DATA_HASH:
            request = pb.GetState.FromString(message.payload)
            value = self.state.get((request.collection, request.key))
            return hashlib.sha256(value).digest() if value is not None else b""
        if kind == Message.GET_STATE_METADATA:
            request = pb.GetStateMetadata.FromString(message.payload)
            entries = self.metadata.get((request.collection, request.key), {})
            return pb.StateMetadataResult(
                entries=[pb.StateMetadata(metakey=k, value=v) for k, v in entries.items()]
            ).SerializeToString()
        if kind in (Message.PUT_STATE, Message.DEL_STATE, Message.PURGE_PRIVATE_DATA,
                    Message.PUT_STATE_METADATA, Message.WRITE_BATCH_STATE):
            if tx.paginated:
                raise _Refused("Transaction has already performed a paginated query. Writes are not allowed")
            tx.writes.extend(_records(message))
            return b""
        if kind == Message.GET_STATE_BY_RANGE:
            return self._range(tx, pb.GetStateByRange.FromString(message.payload))
        if kind == Message.QUERY_STATE_NEXT:
            query_id = pb.QueryStateNext.FromString(message.payload).id
            return self._page(query_id, self._queries[query_id])
        if kind == Message.QUERY_STATE_CLOSE:
            query_id = pb.QueryStateClose.FromString(message.payload).id
            self._queries.pop(query_id, None)
            self.closed_queries.append(query_id)
            return pb.QueryResponse(id=query_id).SerializeToString()
        if kind == Message.GET_QUERY_RESULT:
            raise _Refused("ExecuteQuery not supported for leveldb")
        if kind == Message.GET_HISTORY_FOR_KEY:
            key = pb.GetHistoryForKey.FromString(message.payload).key
            return pb.QueryResponse(
                results=_result_bytes(self.history.get(key, [])), id=uuid.uuid4().hex
            ).SerializeToString()
        if kind == Message.INVOKE_CHAINCODE:
            spec = chaincode_pb2.ChaincodeSpec.FromString(message.payload)
            echo = b" ".join([spec.chaincode_id.name.encode(), *spec.input.args])
            response = proposal_response_pb2.Response(status=200, payload=echo)
            return Message(type=Message.COMPLETED, payload=response.SerializeToString()).SerializeToString()
        raise _Refused(f"fake peer cannot handle {Message.Type.Name(kind)}")

    def _range(self, tx: _Tx, request: pb.GetStateByRange) -> bytes:
        metadata = pb.QueryMetadata.FromString(request.metadata)
        start = metadata.bookmark or request.startKey
        end = request.endKey
        keys = sorted(
            key for (collection, key) in self.state
            if collection == request.collection and start <= key and (not end or key < end)
        )
        kvs = (qr.KV(key=key, value=self.state[(request.collection, key)]) for key in keys)
        query_id = uuid.uuid4().hex
        if metadata.pageSize <= 0:
            return self._page(query_id, iter(kvs))
        tx.paginated = True
        page = keys[: metadata.pageSize]
        bookmark = keys[metadata.pageSize] if len(keys) > metadata.pageSize else ""
        reported = pb.QueryResponseMetadata(fetched_records_count=len(page), bookmark=bookmark)
        return pb.QueryResponse(
            results=_result_bytes(itertools.islice(kvs, len(page))),
            id=query_id,
            metadata=reported.SerializeToString(),
        ).SerializeToString()

    def _page(self, query_id: str, kvs: Iterator[qr.KV]) -> bytes:
        batch = list(itertools.islice(kvs, self._batch + 1))
        has_more = len(batch) > self._batch
        if has_more:
            self._queries[query_id] = itertools.chain(batch[-1:], kvs)
            batch = batch[:-1]
        else:
            self._queries.pop(query_id, None)
        return pb.QueryResponse(
            results=_result_bytes(batch), has_more=has_more, id=query_id
        ).SerializeToString()

    def _commit(self, tx_id: str, writes: list[Record]) -> None:
        for record in writes:
            key = (record.collection, record.key)
            if record.type == Record.PUT_STATE_METADATA:
                self.metadata.setdefault(key, {})[record.metadata.metakey] = record.metadata.value
                continue
            if record.type == Record.PUT_STATE:
                self.state[key] = record.value
            else:
                self.state.pop(key, None)
            if not record.collection:
                modification = qr.KeyModification(
                    tx_id=tx_id, value=record.value, is_delete=record.type != Record.PUT_STATE
                )
                self.history.setdefault(record.key, []).insert(0, modification)


class _Refused(Exception):
    pass


def _result_bytes(records) -> list[pb.QueryResultBytes]:
    return [pb.QueryResultBytes(resultBytes=record.SerializeToString()) for record in records]


def _records(message: Message) -> list[Record]:
    """The writes a write message carries, as WriteRecords."""
    kind = message.type
    if kind == Message.WRITE_BATCH_STATE:
        return list(pb.WriteBatchState.FromString(message.payload).rec)
    if kind == Message.PUT_STATE:
        put = pb.PutState.FromString(message.payload)
        return [Record(type=Record.PUT_STATE, key=put.key, value=put.value, collection=put.collection)]
    if kind == Message.PUT_STATE_METADATA:
        put = pb.PutStateMetadata.FromString(message.payload)
        return [Record(type=Record.PUT_STATE_METADATA, key=put.key, collection=put.collection,
                       metadata=put.metadata)]
    delete = pb.DelState.FromString(message.payload)
    record_type = Record.DEL_STATE if kind == Message.DEL_STATE else Record.PURGE_PRIVATE_DATA
    return [Record(type=record_type, key=delete.key, collection=delete.collection)]
