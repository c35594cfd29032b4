"""World state: single and multiple keys, batched writes, and a failure after writing."""
from __future__ import annotations

from grootboek.chaincode.contractapi import Context, Contract, ContractError, transaction


class State(Contract):
    @transaction
    def put(self, ctx: Context, key: str, value: str) -> None:
        ctx.stub.put_state(key, value)

    @transaction(evaluate=True)
    def get(self, ctx: Context, key: str) -> str | None:
        value = ctx.stub.get_state(key)
        return value.decode() if value is not None else None

    @transaction(evaluate=True)
    def read(self, ctx: Context, key: str) -> bytes:
        """The cheapest useful transaction: one read, the raw value back (for benchmarks)."""
        return ctx.stub.get_state(key) or b""

    @transaction
    def delete(self, ctx: Context, key: str) -> None:
        ctx.stub.del_state(key)

    @transaction
    def put_many(self, ctx: Context, entries: dict[str, str]) -> int:
        """Many writes in one transaction (one WRITE_BATCH_STATE when the peer batches)."""
        for key, value in entries.items():
            ctx.stub.put_state(key, value)
        return len(entries)

    @transaction(evaluate=True)
    def get_many(self, ctx: Context, keys: list[str]) -> list[str | None]:
        values = ctx.stub.get_multiple_states(keys)
        return [v.decode() if v is not None else None for v in values]

    @transaction
    def write_then_fail(self, ctx: Context, key: str, value: str) -> None:
        """Writes, then refuses: nothing may commit."""
        ctx.stub.put_state(key, value)
        ctx.stub.set_event("never", value)
        raise ContractError("DELIBERATE_FAILURE", f"wrote {key} and then failed")
