"""`ChaincodeStub`: the stub API carried out by requests to the peer over the chaincode stream."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, TypeVar

from fabric_protos.ledger.queryresult import kv_query_result_pb2 as qr
from fabric_protos.peer import chaincode_pb2
from fabric_protos.peer import chaincode_shim_pb2 as pb
from fabric_protos.peer import proposal_response_pb2

from .base_stub import BaseStub, Page, StateResult
from .errors import PeerError
from .iterators import KV, KeyModification, QueryIterator, QueryMetadata
from .response import Response, error
from .timestamps import to_datetime

if TYPE_CHECKING:
    from .connection import Connection

T = TypeVar("T")
Message = pb.ChaincodeMessage
Record = pb.WriteRecord
_UNPAGED = QueryMetadata(0, "")


class ChaincodeStub(BaseStub):
    """A transaction's stub on a live peer stream. Created by the runtime, one per transaction.

    When the peer offers write batching, writes are collected and sent in WRITE_BATCH_STATE
    messages just before the transaction completes, instead of one round trip each. The peer
    then reports a refused write (say, after a paginated query) at that point, failing the
    transaction just the same.
    """

    def __init__(self, connection: Connection, message: Message) -> None:
        chaincode_input = chaincode_pb2.ChaincodeInput.FromString(message.payload)
        super().__init__(
            message.channel_id,
            message.txid,
            chaincode_input.args,
            message.proposal if message.HasField("proposal") else None,
            chaincode_input.decorations,
        )
        self._connection = connection
        self._capabilities = connection.capabilities
        self._batch: dict[tuple[str, str, bool], pb.WriteRecord] | None = (
            {} if self._capabilities.write_batch else None
        )

    def _call(self, kind: int, request) -> bytes:
        return self._connection.request(kind, request.SerializeToString(), self.channel_id, self.tx_id)

    def flush(self) -> None:
        """Sends batched writes; the runtime calls this before COMPLETED."""
        if not self._batch:
            return
        records, self._batch = list(self._batch.values()), {}
        size = self._capabilities.write_batch
        for start in range(0, len(records), size):
            batch = pb.WriteBatchState(rec=records[start : start + size])
            self._call(Message.WRITE_BATCH_STATE, batch)

    # -- reads -----------------------------------------------------------------------------------
    def _get(self, collection: str, key: str) -> bytes | None:
        return self._call(Message.GET_STATE, pb.GetState(key=key, collection=collection)) or None

    def _get_many(self, collection: str, keys: list[str]) -> list[bytes | None]:
        size = self._capabilities.get_multiple
        if not size:
            return [self._get(collection, key) for key in keys]
        values: list[bytes | None] = []
        for start in range(0, len(keys), size):
            request = pb.GetStateMultiple(keys=keys[start : start + size], collection=collection)
            result = pb.GetStateMultipleResult.FromString(
                self._call(Message.GET_STATE_MULTIPLE, request)
            )
            values.extend(value or None for value in result.values)
        return values

    def _get_hash(self, collection: str, key: str) -> bytes | None:
        request = pb.GetState(key=key, collection=collection)
        return self._call(Message.GET_PRIVATE_DATA_HASH, request) or None

    def _get_metadata(self, collection: str, key: str) -> dict[str, bytes]:
        request = pb.GetStateMetadata(key=key, collection=collection)
        result = pb.StateMetadataResult.FromString(self._call(Message.GET_STATE_METADATA, request))
        return {entry.metakey: entry.value for entry in result.entries}

    def _range(self, collection: str, start: str, end: str, page: Page | None) -> StateResult:
        request = pb.GetStateByRange(
            startKey=start, endKey=end, collection=collection, metadata=_page(page)
        )
        return self._results(self._call(Message.GET_STATE_BY_RANGE, request), page)

    def _query(self, collection: str, query: str, page: Page | None) -> StateResult:
        request = pb.GetQueryResult(query=query, collection=collection, metadata=_page(page))
        return self._results(self._call(Message.GET_QUERY_RESULT, request), page)

    def _history(self, key: str) -> QueryIterator[KeyModification]:
        response = self._call(Message.GET_HISTORY_FOR_KEY, pb.GetHistoryForKey(key=key))
        return PeerIterator(self, pb.QueryResponse.FromString(response), _key_modification)

    def _results(self, payload: bytes, page: Page | None) -> StateResult:
        response = pb.QueryResponse.FromString(payload)
        metadata = _UNPAGED
        if page is not None:
            reported = pb.QueryResponseMetadata.FromString(response.metadata)
            metadata = QueryMetadata(reported.fetched_records_count, reported.bookmark)
        return PeerIterator(self, response, _kv), metadata

    # -- writes ----------------------------------------------------------------------------------
    def _write(self, record: pb.WriteRecord) -> None:
        if self._batch is not None:
            # Last write of a key wins, as in the peer's simulator; data and metadata are separate.
            is_metadata = record.type == Record.PUT_STATE_METADATA
            self._batch[(record.collection, record.key, is_metadata)] = record
            return
        kind, request = _single_write(record)
        self._call(kind, request)

    # -- other chaincodes ------------------------------------------------------------------------
    def _invoke(self, name: str, args: list[bytes]) -> Response:
        spec = chaincode_pb2.ChaincodeSpec(
            chaincode_id=chaincode_pb2.ChaincodeID(name=name),
            input=chaincode_pb2.ChaincodeInput(args=args),
        )
        try:
            outcome = Message.FromString(self._call(Message.INVOKE_CHAINCODE, spec))
        except PeerError as exc:
            return error(str(exc))
        if outcome.type != Message.COMPLETED:
            return error(outcome.payload.decode(errors="replace"))
        result = proposal_response_pb2.Response.FromString(outcome.payload)
        return Response(result.status, result.message, result.payload)


class PeerIterator(QueryIterator[T]):
    """Results of a peer-side query, fetched page by page (QUERY_STATE_NEXT) as iteration goes.

    The peer frees a query itself once it has sent the last page, so `close()` sends
    QUERY_STATE_CLOSE only for a query abandoned while the peer still holds more.
    """

    def __init__(
        self, stub: ChaincodeStub, response: pb.QueryResponse, decode: Callable[[bytes], T]
    ) -> None:
        self._stub = stub
        self._decode = decode
        self._id = response.id
        self._results = response.results
        self._index = 0
        self._has_more = response.has_more

    def __next__(self) -> T:
        while self._index >= len(self._results):
            if not self._has_more:
                raise StopIteration
            payload = self._stub._call(Message.QUERY_STATE_NEXT, pb.QueryStateNext(id=self._id))
            response = pb.QueryResponse.FromString(payload)
            self._results, self._index, self._has_more = response.results, 0, response.has_more
        item = self._results[self._index]
        self._index += 1
        return self._decode(item.resultBytes)

    def close(self) -> None:
        if self._has_more:
            self._has_more = False
            self._stub._call(Message.QUERY_STATE_CLOSE, pb.QueryStateClose(id=self._id))
        self._results, self._index = (), 0


def _page(page: Page | None) -> bytes:
    if page is None:
        return b""
    return pb.QueryMetadata(pageSize=page[0], bookmark=page[1]).SerializeToString()


def _kv(raw: bytes) -> KV:
    kv = qr.KV.FromString(raw)
    return KV(kv.key, kv.value)


def _key_modification(raw: bytes) -> KeyModification:
    mod = qr.KeyModification.FromString(raw)
    return KeyModification(mod.tx_id, mod.value, to_datetime(mod.timestamp), mod.is_delete)


def _single_write(record: pb.WriteRecord) -> tuple[int, object]:
    """The unbatched message for one write."""
    if record.type == Record.PUT_STATE:
        return Message.PUT_STATE, pb.PutState(
            key=record.key, value=record.value, collection=record.collection
        )
    if record.type == Record.PUT_STATE_METADATA:
        return Message.PUT_STATE_METADATA, pb.PutStateMetadata(
            key=record.key, collection=record.collection, metadata=record.metadata
        )
    kind = Message.DEL_STATE if record.type == Record.DEL_STATE else Message.PURGE_PRIVATE_DATA
    return kind, pb.DelState(key=record.key, collection=record.collection)
