"""SSE event ids are Fabric checkpoint positions: `<block>:<transaction id>`. A client that
reconnects with `Last-Event-ID` resumes right after that transaction (a transaction has at most one
chaincode event)."""
from __future__ import annotations

import re

from grootboek.client import InMemoryCheckpointer

from ..errors import ApiError, FieldError

_EVENT_ID = re.compile(r"^([0-9]{1,19}):([A-Za-z0-9._:-]{1,128})$")


def event_id(block_number: int, transaction_id: str) -> str:
    return f"{block_number}:{transaction_id}"


def checkpoint(last_event_id: str | None) -> InMemoryCheckpointer | None:
    if not last_event_id:
        return None
    match = _EVENT_ID.fullmatch(last_event_id.strip())
    if match is None:
        problem = FieldError(field="header.Last-Event-ID", message="expected <block>:<transaction id>")
        raise ApiError(422, "VALIDATION_ERROR", f"{problem.field}: {problem.message}", errors=[problem])
    return InMemoryCheckpointer(int(match[1]), match[2])
