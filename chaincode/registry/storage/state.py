"""Public world state as the registry writes it: canonical JSON values, and a key-level
endorsement policy requiring the land registry's peer on every key it creates.

With that policy on a key, Fabric invalidates at commit any later change to the key that the
registry's peer did not endorse, whatever the chaincode-level policy allows. A key is taken to be
new unless this transaction read it and found it, so the policy is set once, at creation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel

from grootboek.chaincode.shim import BaseStub, KeyEndorsementPolicy, Role
from grootboek.chaincode.signing import canonical_json

from ..domain.errors import ErrorCode, RegistryError
from ..domain.page import Page, PageRequest
from ..domain.roles import REGISTRY_MSP

M = TypeVar("M", bound=BaseModel)


def registry_policy() -> bytes:
    policy = KeyEndorsementPolicy()
    policy.add_orgs(Role.PEER, REGISTRY_MSP)
    return policy.policy()


REGISTRY_POLICY = registry_policy()


def encode(record: BaseModel) -> bytes:
    """Deterministic bytes: every endorser must write exactly the same value."""
    return canonical_json(record.model_dump(mode="json"))


class State:
    def __init__(self, stub: BaseStub) -> None:
        self.stub = stub
        self._present: set[str] = set()

    def key(self, object_type: str, *attributes: str) -> str:
        return self.stub.create_composite_key(object_type, attributes)

    def get(self, key: str) -> bytes | None:
        value = self.stub.get_state(key)
        if value is not None:
            self._present.add(key)
        return value

    def get_record(self, key: str, model: type[M]) -> M | None:
        value = self.get(key)
        return None if value is None else model.model_validate_json(value)

    def put(self, key: str, value: bytes) -> None:
        self.stub.put_state(key, value)
        if key not in self._present:
            self.stub.set_state_validation_parameter(key, REGISTRY_POLICY)
            self._present.add(key)

    def delete(self, key: str) -> None:
        self.stub.del_state(key)
        self._present.discard(key)

    def page_ids(self, object_type: str, prefix: Sequence[str], page: PageRequest) -> Page[str]:
        """One page of the composite keys under `prefix`: the attribute right after the prefix."""
        _require_bookmark_of(self.key(object_type, *prefix), page)
        results, metadata = self.stub.get_state_by_partial_composite_key_with_pagination(
            object_type, list(prefix), page.page_size, page.bookmark
        )
        with results:
            ids = tuple(self.stub.split_composite_key(kv.key)[1][len(prefix)] for kv in results)
        return Page[str](items=ids, bookmark=metadata.bookmark)

    def page_keys(self, prefix: str, page: PageRequest) -> Page[str]:
        """One page of the simple keys that start with `prefix`, in key order."""
        _require_bookmark_of(prefix, page)
        results, metadata = self.stub.get_state_by_range_with_pagination(
            prefix, prefix + _LAST_CHARACTER, page.page_size, page.bookmark
        )
        with results:
            return Page[str](items=tuple(kv.key for kv in results), bookmark=metadata.bookmark)


_LAST_CHARACTER = "\U0010ffff"  # the end of a prefix's range, as Fabric's own partial key queries use


def _require_bookmark_of(start: str, page: PageRequest) -> None:
    if page.bookmark and not page.bookmark.startswith(start):
        # Fabric resumes at whatever bookmark it is given; one taken from another query could
        # reach keys outside this query's range.
        raise RegistryError(ErrorCode.INVALID_ARGUMENT, "the bookmark does not belong to this query")
