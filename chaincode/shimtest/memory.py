"""An in-memory ledger for fast unit tests of contract logic, with Fabric's transaction semantics.

Each `invoke` runs the full contract dispatch on a `MemoryStub` (the same `BaseStub` API and
validation as on a peer). Writes are buffered and applied only if the transaction succeeds; reads
see committed state only, never the transaction's own writes; a failed transaction leaves nothing
behind, event included. The peer's refusals are reproduced: paginated or private-data queries
after a write, writes after them, rich queries (our network runs LevelDB).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from fabric_protos.peer import chaincode_shim_pb2 as pb

from grootboek.chaincode.contractapi.conversion import to_argument
from grootboek.chaincode.shim.base_stub import BaseStub, Page, StateResult
from grootboek.chaincode.shim.errors import PeerError
from grootboek.chaincode.shim.interface import ChaincodeInterface
from grootboek.chaincode.shim.iterators import KV, KeyModification, ListIterator, QueryIterator, QueryMetadata
from grootboek.chaincode.shim.response import Event, Response, error

from .identities import TestIdentity, make_identity
from .proposals import build_signed_proposal

Record = pb.WriteRecord
DEFAULT_NAMESPACE = "chaincode"
Key = tuple[str, str, str]  # (namespace, collection, key); collection "" is world state


@dataclass(frozen=True, slots=True)
class TxResult(Response):
    """What `MemoryLedger.invoke` returns: the response plus the event and the tx id."""

    event: Event | None = None
    tx_id: str = ""


@dataclass
class _Tx:
    """One transaction's simulation: its buffered writes and what the peer would refuse."""

    id: str
    timestamp: datetime
    writes: dict[Key, bytes | None] = field(default_factory=dict)  # None deletes
    purges: set[Key] = field(default_factory=set)
    metadata: dict[Key, dict[str, bytes]] = field(default_factory=dict)
    wrote: bool = False
    paginated: bool = False
    private_query: bool = False


class MemoryLedger:
    """World state, private data (and hashes), history and key-level policies of one channel."""

    def __init__(self, channel_id: str = "mychannel") -> None:
        self.channel_id = channel_id
        self._state: dict[Key, bytes] = {}
        self._metadata: dict[Key, dict[str, bytes]] = {}
        self._history: dict[tuple[str, str], list[KeyModification]] = {}
        self._deployed: dict[str, ChaincodeInterface] = {}
        self._default_identity: TestIdentity | None = None

    # -- running transactions --------------------------------------------------------------------
    def deploy(self, name: str, chaincode: ChaincodeInterface) -> None:
        """Makes a chaincode callable by name (also through `invoke_chaincode`)."""
        self._deployed[name] = chaincode

    def invoke(
        self,
        chaincode: ChaincodeInterface | str,
        function: str,
        *args: Any,
        identity: TestIdentity | bytes | None = None,
        transient: dict[str, bytes | str] | None = None,
        timestamp: datetime | None = None,
        tx_id: str | None = None,
    ) -> TxResult:
        """Runs one transaction and commits its writes if it succeeds.

        `chaincode` is a Chaincode (its namespace is the name it was deployed under, else
        "chaincode") or a deployed name. Arguments are converted as a client would send them: str
        and bytes as is, numbers and bools as text, models/dataclasses/dicts/lists as JSON.
        """
        namespace, target = self._resolve(chaincode)
        wire_args = [function.encode(), *(to_argument(arg) for arg in args)]
        tx_id, proposal = build_signed_proposal(
            channel_id=self.channel_id,
            chaincode_name=namespace,
            creator=self._creator(identity),
            args=wire_args,
            transient={k: to_argument(v) for k, v in (transient or {}).items()},
            timestamp=timestamp,
            tx_id=tx_id,
        )
        tx = _Tx(tx_id, timestamp or datetime.now(timezone.utc))
        stub = MemoryStub(self, namespace, tx, wire_args, proposal)
        response = target.invoke(stub)
        if not response.ok:
            return TxResult(response.status, response.message, response.payload, None, tx_id)
        self._commit(tx)
        return TxResult(response.status, response.message, response.payload, stub.event, tx_id)

    def _resolve(self, chaincode: ChaincodeInterface | str) -> tuple[str, ChaincodeInterface]:
        if isinstance(chaincode, str):
            if chaincode not in self._deployed:
                raise KeyError(f"no chaincode deployed as {chaincode!r}")
            return chaincode, self._deployed[chaincode]
        for name, deployed in self._deployed.items():
            if deployed is chaincode:
                return name, chaincode
        return DEFAULT_NAMESPACE, chaincode

    def _creator(self, identity: TestIdentity | bytes | None) -> bytes:
        if isinstance(identity, bytes):
            return identity
        if identity is None:
            if self._default_identity is None:
                self._default_identity = make_identity("Org1MSP", "user1")
            identity = self._default_identity
        return identity.creator

    def _commit(self, tx: _Tx) -> None:
        for key, value in tx.writes.items():
            namespace, collection, name = key
            if value is None:
                self._state.pop(key, None)
                self._metadata.pop(key, None)
            else:
                self._state[key] = value
            if not collection:
                modification = KeyModification(tx.id, value or b"", tx.timestamp, value is None)
                self._history.setdefault((namespace, name), []).insert(0, modification)
        for key in tx.purges:
            self._state.pop(key, None)
            self._metadata.pop(key, None)
        for key, entries in tx.metadata.items():
            if key in self._state:
                self._metadata.setdefault(key, {}).update(entries)

    # -- fixtures and assertions -----------------------------------------------------------------
    def put_state(self, key: str, value: bytes | str, namespace: str = DEFAULT_NAMESPACE) -> None:
        """Seeds committed world state directly (no transaction, no history)."""
        self._state[(namespace, "", key)] = to_argument(value)

    def get_state(self, key: str, namespace: str = DEFAULT_NAMESPACE) -> bytes | None:
        return self._state.get((namespace, "", key))

    def put_private_data(
        self, collection: str, key: str, value: bytes | str, namespace: str = DEFAULT_NAMESPACE
    ) -> None:
        self._state[(namespace, collection, key)] = to_argument(value)

    def get_private_data(
        self, collection: str, key: str, namespace: str = DEFAULT_NAMESPACE
    ) -> bytes | None:
        return self._state.get((namespace, collection, key))

    def state(self, namespace: str = DEFAULT_NAMESPACE, collection: str = "") -> dict[str, bytes]:
        """A snapshot of committed world state (or of a collection), sorted by key."""
        return {
            key: value
            for (ns, coll, key), value in sorted(self._state.items())
            if ns == namespace and coll == collection
        }

    def history(self, key: str, namespace: str = DEFAULT_NAMESPACE) -> list[KeyModification]:
        return list(self._history.get((namespace, key), ()))

    def validation_parameter(
        self, key: str, collection: str = "", namespace: str = DEFAULT_NAMESPACE
    ) -> bytes | None:
        return self._metadata.get((namespace, collection, key), {}).get("VALIDATION_PARAMETER")


class MemoryStub(BaseStub):
    """The stub of one in-memory transaction (or of a chaincode it calls)."""

    def __init__(
        self, ledger: MemoryLedger, namespace: str, tx: _Tx, args: list[bytes], proposal
    ) -> None:
        super().__init__(ledger.channel_id, tx.id, args, proposal)
        self._ledger = ledger
        self._namespace = namespace
        self._tx = tx

    def _key(self, collection: str, key: str) -> Key:
        return (self._namespace, collection, key)

    def _get(self, collection: str, key: str) -> bytes | None:
        return self._ledger._state.get(self._key(collection, key))

    def _get_many(self, collection: str, keys: list[str]) -> list[bytes | None]:
        return [self._get(collection, key) for key in keys]

    def _get_hash(self, collection: str, key: str) -> bytes | None:
        value = self._get(collection, key)
        return hashlib.sha256(value).digest() if value is not None else None

    def _get_metadata(self, collection: str, key: str) -> dict[str, bytes]:
        return dict(self._ledger._metadata.get(self._key(collection, key), {}))

    def _write(self, record: pb.WriteRecord) -> None:
        tx = self._tx
        if tx.paginated:
            raise PeerError(
                f"txid [{tx.id}]: unsuppored transaction. Transaction has already performed "
                "a paginated query. Writes are not allowed"
            )
        if tx.private_query:
            raise PeerError(
                f"txid [{tx.id}]: unsuppored transaction. Transaction has already performed "
                "queries on pvt data. Writes are not allowed"
            )
        tx.wrote = True
        key = self._key(record.collection, record.key)
        if record.type == Record.PUT_STATE:
            tx.writes[key] = record.value or None  # Fabric treats an empty value as a delete
        elif record.type == Record.DEL_STATE:
            tx.writes[key] = None
        elif record.type == Record.PURGE_PRIVATE_DATA:
            tx.writes.pop(key, None)
            tx.purges.add(key)
        else:
            tx.metadata.setdefault(key, {})[record.metadata.metakey] = record.metadata.value

    def _range(self, collection: str, start: str, end: str, page: Page | None) -> StateResult:
        paginated = page is not None and (page[0] > 0 or page[1] != "")
        self._check_query(collection, paginated)
        if paginated:
            start = max(start, page[1]) if page[1] else start
        keys = [
            key
            for (ns, coll, key) in sorted(self._ledger._state)
            if ns == self._namespace and coll == collection and start <= key and (not end or key < end)
        ]
        bookmark = ""
        if paginated and page[0] > 0 and len(keys) > page[0]:
            keys, bookmark = keys[: page[0]], keys[page[0]]
        results = [KV(key, self._ledger._state[self._key(collection, key)]) for key in keys]
        metadata = QueryMetadata(len(results), bookmark) if page else QueryMetadata(0, "")
        return ListIterator(results), metadata

    def _query(self, collection: str, query: str, page: Page | None) -> StateResult:
        raise PeerError("ExecuteQuery not supported for leveldb")

    def _history(self, key: str) -> QueryIterator[KeyModification]:
        return ListIterator(self._ledger.history(key, self._namespace))

    def _check_query(self, collection: str, paginated: bool) -> None:
        tx = self._tx
        if collection:
            if tx.wrote:
                raise PeerError(
                    f"txid [{tx.id}]: unsuppored transaction. Queries on pvt data is supported "
                    "only in a read-only transaction"
                )
            tx.private_query = True
        elif paginated:
            if tx.wrote:
                raise PeerError(
                    f"txid [{tx.id}]: unsuppored transaction. Paginated queries are supported "
                    "only in a read-only transaction"
                )
            tx.paginated = True

    def _invoke(self, name: str, args: list[bytes]) -> Response:
        target, _, channel = name.partition("/")
        if channel and channel != self.channel_id:
            return error(f"channel {channel} is not part of this memory ledger")
        chaincode = self._ledger._deployed.get(target)
        if chaincode is None:
            return error(f"chaincode {target} is not deployed on this memory ledger")
        # The called chaincode shares this transaction's simulation, as on a peer.
        callee = MemoryStub(self._ledger, target, self._tx, args, self._proposal.signed)
        return chaincode.invoke(callee)
