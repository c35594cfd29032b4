"""The chaincode stub API (Go's ChaincodeStubInterface in snake_case), written once.

`BaseStub` implements every public call on a handful of primitives (`_get`, `_write`, `_range`, ...).
`ChaincodeStub` implements the primitives by talking to the peer, `MemoryStub` against an in-memory
ledger, so contract code and unit tests see exactly the same validation and semantics.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Iterable, Sequence

from fabric_protos.peer import chaincode_shim_pb2 as pb
from fabric_protos.peer import proposal_pb2

from . import composite
from .errors import ShimError
from .iterators import KV, KeyModification, QueryIterator, QueryMetadata
from .proposal import ProposalView
from .response import Event, Response

Record = pb.WriteRecord
# The metadata key under which a key-level endorsement policy is stored (peer.MetaDataKeys).
VALIDATION_PARAMETER = "VALIDATION_PARAMETER"
Page = tuple[int, str]  # (page size, bookmark)
StateResult = tuple[QueryIterator[KV], QueryMetadata]


def _as_bytes(value: bytes | str) -> bytes:
    return value.encode() if isinstance(value, str) else bytes(value)


def _collection(collection: str) -> str:
    if not collection:
        raise ShimError("collection must not be an empty string")
    return collection


class BaseStub(ABC):
    """One transaction's view of the ledger. Not thread-safe across transactions; one per tx."""

    def __init__(
        self,
        channel_id: str,
        tx_id: str,
        args: Sequence[bytes],
        signed_proposal: proposal_pb2.SignedProposal | None,
        decorations: dict[str, bytes] | None = None,
    ) -> None:
        self.channel_id = channel_id
        self.tx_id = tx_id
        self._args = args
        self._proposal = ProposalView(signed_proposal)
        self._decorations = decorations or {}
        self.event: Event | None = None

    # -- primitives -----------------------------------------------------------------------------
    @abstractmethod
    def _get(self, collection: str, key: str) -> bytes | None: ...

    @abstractmethod
    def _get_many(self, collection: str, keys: list[str]) -> list[bytes | None]: ...

    @abstractmethod
    def _get_hash(self, collection: str, key: str) -> bytes | None: ...

    @abstractmethod
    def _get_metadata(self, collection: str, key: str) -> dict[str, bytes]: ...

    @abstractmethod
    def _write(self, record: pb.WriteRecord) -> None: ...

    @abstractmethod
    def _range(self, collection: str, start: str, end: str, page: Page | None) -> StateResult: ...

    @abstractmethod
    def _query(self, collection: str, query: str, page: Page | None) -> StateResult: ...

    @abstractmethod
    def _history(self, key: str) -> QueryIterator[KeyModification]: ...

    @abstractmethod
    def _invoke(self, name: str, args: list[bytes]) -> Response: ...

    # -- invocation ------------------------------------------------------------------------------
    def get_args(self) -> list[bytes]:
        return list(self._args)

    def get_string_args(self) -> list[str]:
        return [arg.decode() for arg in self._args]

    def get_function_and_parameters(self) -> tuple[str, list[str]]:
        args = self.get_string_args()
        return (args[0], args[1:]) if args else ("", [])

    def get_decorations(self) -> dict[str, bytes]:
        return dict(self._decorations)

    def get_signed_proposal(self) -> proposal_pb2.SignedProposal | None:
        return self._proposal.signed

    def get_creator(self) -> bytes:
        """The submitter's serialized identity (msp.SerializedIdentity bytes)."""
        return self._proposal.creator

    def get_transient(self) -> dict[str, bytes]:
        return dict(self._proposal.transient)

    def get_binding(self) -> bytes:
        return self._proposal.binding

    def get_tx_timestamp(self) -> datetime:
        """The client's proposal timestamp (UTC): the same on every endorser, unlike the clock."""
        return self._proposal.timestamp

    def set_event(self, name: str, payload: bytes | str = b"") -> None:
        """Sets the transaction's single chaincode event (a later call replaces it)."""
        if not name:
            raise ShimError("event name must not be empty")
        self.event = Event(name, _as_bytes(payload))

    def invoke_chaincode(
        self, name: str, args: Sequence[bytes | str], channel: str = ""
    ) -> Response:
        """Calls another chaincode within this transaction; a failure comes back as status 500."""
        target = f"{name}/{channel}" if channel else name
        return self._invoke(target, [_as_bytes(arg) for arg in args])

    # -- world state -----------------------------------------------------------------------------
    def get_state(self, key: str) -> bytes | None:
        """The committed value, or None. Writes of this same transaction are not visible."""
        return self._get("", key)

    def get_multiple_states(self, keys: Iterable[str]) -> list[bytes | None]:
        return self._get_many("", list(keys))

    def put_state(self, key: str, value: bytes | str) -> None:
        self._put("", key, value)

    def del_state(self, key: str) -> None:
        self._write(Record(type=Record.DEL_STATE, key=key))

    def set_state_validation_parameter(self, key: str, policy: bytes) -> None:
        self._put_metadata("", key, policy)

    def get_state_validation_parameter(self, key: str) -> bytes | None:
        return self._get_metadata("", key).get(VALIDATION_PARAMETER)

    def get_state_by_range(self, start: str, end: str) -> QueryIterator[KV]:
        """Keys in [start, end); "" as start or end means unbounded."""
        return self._range("", *composite.simple_key_range(start, end), None)[0]

    def get_state_by_range_with_pagination(
        self, start: str, end: str, page_size: int, bookmark: str = ""
    ) -> StateResult:
        return self._range("", *composite.simple_key_range(start, end), (page_size, bookmark))

    def create_composite_key(self, object_type: str, attributes: Sequence[str]) -> str:
        return composite.create_composite_key(object_type, tuple(attributes))

    def split_composite_key(self, key: str) -> tuple[str, list[str]]:
        return composite.split_composite_key(key)

    def get_state_by_partial_composite_key(
        self, object_type: str, attributes: Sequence[str]
    ) -> QueryIterator[KV]:
        return self._range("", *composite.partial_key_range(object_type, tuple(attributes)), None)[0]

    def get_state_by_partial_composite_key_with_pagination(
        self, object_type: str, attributes: Sequence[str], page_size: int, bookmark: str = ""
    ) -> StateResult:
        start, end = composite.partial_key_range(object_type, tuple(attributes))
        return self._range("", start, end, (page_size, bookmark))

    def get_all_states_composite_key_with_pagination(
        self, page_size: int, bookmark: str = ""
    ) -> StateResult:
        end = composite.NAMESPACE + "\U0010ffff"
        return self._range("", composite.NAMESPACE, end, (page_size, bookmark))

    def get_query_result(self, query: str) -> QueryIterator[KV]:
        """A rich (CouchDB selector) query; LevelDB peers refuse it."""
        return self._query("", query, None)[0]

    def get_query_result_with_pagination(
        self, query: str, page_size: int, bookmark: str = ""
    ) -> StateResult:
        return self._query("", query, (page_size, bookmark))

    def get_history_for_key(self, key: str) -> QueryIterator[KeyModification]:
        return self._history(key)

    # -- private data ----------------------------------------------------------------------------
    def get_private_data(self, collection: str, key: str) -> bytes | None:
        return self._get(_collection(collection), key)

    def get_multiple_private_data(self, collection: str, keys: Iterable[str]) -> list[bytes | None]:
        return self._get_many(_collection(collection), list(keys))

    def get_private_data_hash(self, collection: str, key: str) -> bytes | None:
        """SHA-256 of the value; readable by members that do not hold the collection."""
        return self._get_hash(_collection(collection), key)

    def put_private_data(self, collection: str, key: str, value: bytes | str) -> None:
        self._put(_collection(collection), key, value)

    def del_private_data(self, collection: str, key: str) -> None:
        self._write(Record(type=Record.DEL_STATE, collection=_collection(collection), key=key))

    def purge_private_data(self, collection: str, key: str) -> None:
        """Deletes the value and its history of hashes from every peer (Fabric 2.5+)."""
        self._write(
            Record(type=Record.PURGE_PRIVATE_DATA, collection=_collection(collection), key=key)
        )

    def get_private_data_by_range(self, collection: str, start: str, end: str) -> QueryIterator[KV]:
        return self._range(_collection(collection), *composite.simple_key_range(start, end), None)[0]

    def get_private_data_by_partial_composite_key(
        self, collection: str, object_type: str, attributes: Sequence[str]
    ) -> QueryIterator[KV]:
        start, end = composite.partial_key_range(object_type, tuple(attributes))
        return self._range(_collection(collection), start, end, None)[0]

    def get_private_data_query_result(self, collection: str, query: str) -> QueryIterator[KV]:
        return self._query(_collection(collection), query, None)[0]

    def set_private_data_validation_parameter(
        self, collection: str, key: str, policy: bytes
    ) -> None:
        self._put_metadata(_collection(collection), key, policy)

    def get_private_data_validation_parameter(self, collection: str, key: str) -> bytes | None:
        return self._get_metadata(_collection(collection), key).get(VALIDATION_PARAMETER)

    # -- helpers ---------------------------------------------------------------------------------
    def _put(self, collection: str, key: str, value: bytes | str) -> None:
        if not key:
            raise ShimError("key must not be an empty string")
        self._write(
            Record(type=Record.PUT_STATE, collection=collection, key=key, value=_as_bytes(value))
        )

    def _put_metadata(self, collection: str, key: str, policy: bytes) -> None:
        record = Record(type=Record.PUT_STATE_METADATA, collection=collection, key=key)
        record.metadata.metakey = VALIDATION_PARAMETER
        record.metadata.value = policy
        self._write(record)
