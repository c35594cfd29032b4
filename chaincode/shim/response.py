"""What a transaction returns: a peer.Response-like status, message and payload, and its event."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

OK = 200
ERROR = 500
# Fabric's endorser treats any status at or above this as a failed proposal.
ERROR_THRESHOLD = 400


@dataclass(frozen=True, slots=True)
class Event:
    """A chaincode event as set with `stub.set_event(name, payload)`."""

    name: str
    payload: bytes


@dataclass(frozen=True, slots=True)
class Response:
    """The outcome of a transaction or of `invoke_chaincode` (peer.Response)."""

    status: int
    message: str = ""
    payload: bytes = b""

    @property
    def ok(self) -> bool:
        return self.status < ERROR_THRESHOLD

    @property
    def text(self) -> str:
        """The payload decoded as UTF-8."""
        return self.payload.decode()

    def json(self) -> Any:
        """The payload parsed as JSON."""
        return json.loads(self.payload)


def success(payload: bytes = b"") -> Response:
    return Response(OK, "", payload)


def error(message: str) -> Response:
    return Response(ERROR, message)
