"""JSON shapes shared by the conformance contracts."""
from __future__ import annotations

from grootboek.chaincode.contractapi import ContractError
from grootboek.chaincode.shim import (
    KV,
    KeyEndorsementPolicy,
    PeerError,
    QueryIterator,
    QueryMetadata,
)


def entries(results: QueryIterator[KV]) -> list[dict[str, str]]:
    with results:
        return [{"key": kv.key, "value": kv.value.decode()} for kv in results]


def page(results: QueryIterator[KV], metadata: QueryMetadata) -> dict:
    return {
        "records": entries(results),
        "fetched": metadata.fetched_records_count,
        "bookmark": metadata.bookmark,
    }


def refused(exc: PeerError) -> ContractError:
    """Reports a peer refusal to the client under a stable code."""
    return ContractError("PEER_REFUSED", str(exc))


def policy(orgs: list[str], role: str) -> bytes:
    """A key-level policy requiring an endorsement by a `role` of every one of `orgs`."""
    built = KeyEndorsementPolicy()
    built.add_orgs(role, *orgs)
    return built.policy()
