"""Queries: ranges with pagination, composite keys, rich queries, history."""
from __future__ import annotations

import time

from grootboek.chaincode.contractapi import Context, Contract, transaction
from grootboek.chaincode.shim import PeerError

from .records import entries, page, refused


class Queries(Contract):
    @transaction(evaluate=True)
    def range(self, ctx: Context, start: str, end: str) -> list[dict[str, str]]:
        return entries(ctx.stub.get_state_by_range(start, end))

    @transaction(evaluate=True)
    def range_page(self, ctx: Context, start: str, end: str, page_size: int, bookmark: str = "") -> dict:
        return page(*ctx.stub.get_state_by_range_with_pagination(start, end, page_size, bookmark))

    @transaction(evaluate=True)
    def range_first(self, ctx: Context, start: str, end: str) -> dict[str, str] | None:
        """Abandons a range query after one record (the iterator is closed early)."""
        with ctx.stub.get_state_by_range(start, end) as results:
            first = next(results, None)
        return {"key": first.key, "value": first.value.decode()} if first else None

    @transaction(evaluate=True)
    def range_for(self, ctx: Context, start: str, end: str, seconds: float) -> int:
        """Reads the range again and again for `seconds`: a transaction that keeps its peer
        serving range queries until the peer's execute timeout (hyperledger/fabric#5048)."""
        passes, until = 0, time.monotonic() + seconds
        while time.monotonic() < until:
            entries(ctx.stub.get_state_by_range(start, end))
            passes += 1
        return passes

    @transaction
    def put_composite(self, ctx: Context, object_type: str, attributes: list[str], value: str) -> str:
        key = ctx.stub.create_composite_key(object_type, attributes)
        ctx.stub.put_state(key, value)
        return key

    @transaction(evaluate=True)
    def by_partial(self, ctx: Context, object_type: str, attributes: list[str]) -> list[dict]:
        found = []
        with ctx.stub.get_state_by_partial_composite_key(object_type, attributes) as results:
            for kv in results:
                kind, parts = ctx.stub.split_composite_key(kv.key)
                found.append({"object_type": kind, "attributes": parts, "value": kv.value.decode()})
        return found

    @transaction(evaluate=True)
    def by_partial_page(
        self, ctx: Context, object_type: str, attributes: list[str], page_size: int, bookmark: str = ""
    ) -> dict:
        return page(*ctx.stub.get_state_by_partial_composite_key_with_pagination(
            object_type, attributes, page_size, bookmark))

    @transaction(evaluate=True)
    def rich_query(self, ctx: Context, query: str) -> list[dict[str, str]]:
        """Passed through to the state database; LevelDB peers refuse ("PEER_REFUSED: ...")."""
        try:
            return entries(ctx.stub.get_query_result(query))
        except PeerError as exc:
            raise refused(exc) from None

    @transaction(evaluate=True)
    def rich_query_page(self, ctx: Context, query: str, page_size: int, bookmark: str = "") -> dict:
        try:
            return page(*ctx.stub.get_query_result_with_pagination(query, page_size, bookmark))
        except PeerError as exc:
            raise refused(exc) from None

    @transaction(evaluate=True)
    def history(self, ctx: Context, key: str) -> list[dict]:
        with ctx.stub.get_history_for_key(key) as modifications:
            return [
                {
                    "tx_id": m.tx_id,
                    "value": m.value.decode(),
                    "timestamp": m.timestamp.isoformat(),
                    "is_delete": m.is_delete,
                }
                for m in modifications
            ]

    @transaction
    def paginated_then_write(self, ctx: Context, key: str, value: str) -> None:
        """The peer refuses a write after a paginated query: this transaction must fail."""
        ctx.stub.get_state_by_range_with_pagination("", "", 1)[0].close()
        ctx.stub.put_state(key, value)
