"""Private data in the collection named "private", and its key-level endorsement policies."""
from __future__ import annotations

from grootboek.chaincode.contractapi import Context, Contract, ContractError, transaction
from grootboek.chaincode.shim import KeyEndorsementPolicy, PeerError

from .records import entries, policy, refused

COLLECTION = "private"


class Private(Contract):
    @transaction
    def put(self, ctx: Context, key: str, value: str) -> None:
        ctx.stub.put_private_data(COLLECTION, key, value)

    @transaction
    def put_transient(self, ctx: Context, key: str) -> None:
        """Stores the transient field "value", so the value never enters the transaction."""
        value = ctx.stub.get_transient().get("value")
        if value is None:
            raise ContractError("MISSING_TRANSIENT", "transient field 'value' is required")
        ctx.stub.put_private_data(COLLECTION, key, value)

    @transaction(evaluate=True)
    def get(self, ctx: Context, key: str) -> str | None:
        value = ctx.stub.get_private_data(COLLECTION, key)
        return value.decode() if value is not None else None

    @transaction(evaluate=True)
    def get_many(self, ctx: Context, keys: list[str]) -> list[str | None]:
        values = ctx.stub.get_multiple_private_data(COLLECTION, keys)
        return [v.decode() if v is not None else None for v in values]

    @transaction(evaluate=True)
    def hash(self, ctx: Context, key: str) -> str | None:
        digest = ctx.stub.get_private_data_hash(COLLECTION, key)
        return digest.hex() if digest is not None else None

    @transaction
    def delete(self, ctx: Context, key: str) -> None:
        ctx.stub.del_private_data(COLLECTION, key)

    @transaction
    def purge(self, ctx: Context, key: str) -> None:
        ctx.stub.purge_private_data(COLLECTION, key)

    @transaction(evaluate=True)
    def range(self, ctx: Context, start: str, end: str) -> list[dict[str, str]]:
        return entries(ctx.stub.get_private_data_by_range(COLLECTION, start, end))

    @transaction(evaluate=True)
    def by_partial(self, ctx: Context, object_type: str, attributes: list[str]) -> list[dict[str, str]]:
        stub = ctx.stub
        return entries(stub.get_private_data_by_partial_composite_key(COLLECTION, object_type, attributes))

    @transaction(evaluate=True)
    def query(self, ctx: Context, query: str) -> list[dict[str, str]]:
        try:
            return entries(ctx.stub.get_private_data_query_result(COLLECTION, query))
        except PeerError as exc:
            raise refused(exc) from None

    @transaction
    def set_endorsement(self, ctx: Context, key: str, orgs: list[str], role: str = "member") -> None:
        ctx.stub.set_private_data_validation_parameter(COLLECTION, key, policy(orgs, role))

    @transaction(evaluate=True)
    def get_endorsement(self, ctx: Context, key: str) -> list[str]:
        policy = ctx.stub.get_private_data_validation_parameter(COLLECTION, key)
        return KeyEndorsementPolicy(policy).list_orgs()
