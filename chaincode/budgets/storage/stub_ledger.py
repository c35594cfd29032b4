"""`Ledger` on a chaincode stub (grootboek.chaincode.shim's ChaincodeStub or its in-memory twin).

Bookmarks leave here base64url-encoded (they are composite keys full of U+0000, awkward in URLs and
JSON) and come back checked: Fabric starts a page at whatever key the bookmark names, so a crafted
bookmark outside the queried prefix would page through other records.
"""
from __future__ import annotations

import base64
import binascii
from itertools import islice
from typing import Any, Sequence

from ..domain.errors import BudgetError, ErrorCode
from ..domain.fields import require
from .ledger import Key, require_valid


class StubLedger:
    def __init__(self, stub: Any) -> None:
        self._stub = stub

    def _key(self, key: Key) -> str:
        require_valid(key)
        return self._stub.create_composite_key(key[0], key[1:])

    def get(self, key: Key) -> bytes | None:
        return self._stub.get_state(self._key(key))

    def get_many(self, keys: Sequence[Key]) -> list[bytes | None]:
        return self._stub.get_multiple_states([self._key(key) for key in keys])

    def put(self, key: Key, value: bytes) -> None:
        self._stub.put_state(self._key(key), value)

    def delete(self, key: Key) -> None:
        self._stub.del_state(self._key(key))

    def scan(self, prefix: Key, limit: int) -> list[bytes]:
        # Stopping early keeps the recorded range (and so the phantom check) to the keys read.
        with self._stub.get_state_by_partial_composite_key(prefix[0], prefix[1:]) as results:
            return [kv.value for kv in islice(results, limit)]

    def page(self, prefix: Key, page_size: int, bookmark: str) -> tuple[list[bytes], str]:
        start = _decode_bookmark(bookmark)
        require(not start or start.startswith(self._key(prefix)), ErrorCode.INVALID_ARGUMENT,
                "bookmark: not from this query")
        results, metadata = self._stub.get_state_by_partial_composite_key_with_pagination(
            prefix[0], prefix[1:], page_size, start)
        with results:
            values = [kv.value for kv in results]
        return values, _encode_bookmark(metadata.bookmark)

    def get_private(self, collection: str, key: Key) -> bytes | None:
        return self._stub.get_private_data(collection, self._key(key))

    def put_private(self, collection: str, key: Key, value: bytes) -> None:
        self._stub.put_private_data(collection, self._key(key), value)

    def purge_private(self, collection: str, key: Key) -> None:
        self._stub.purge_private_data(collection, self._key(key))

    def emit(self, name: str, payload: bytes) -> None:
        self._stub.set_event(name, payload)


def _encode_bookmark(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode() if key else ""


def _decode_bookmark(bookmark: str) -> str:
    try:
        return base64.b64decode(bookmark, altchars=b"-_", validate=True).decode() if bookmark else ""
    except (binascii.Error, UnicodeError):
        raise BudgetError(ErrorCode.INVALID_ARGUMENT, "bookmark: not from this query") from None
