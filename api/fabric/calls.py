"""A chaincode call described as data, so routes say *what* to call and the gateway decides how
(evaluate, or submit with retries and idempotency)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from pydantic import BaseModel


@dataclass(frozen=True)
class ChaincodeCall:
    channel: str
    chaincode: str
    function: str
    args: tuple[str, ...] = ()
    transient: Mapping[str, bytes] = field(default_factory=dict)
    endorsing_organizations: tuple[str, ...] = ()
    write: bool = False
    fence: ChaincodeCall | None = None
    """A write that, once committed, keeps this one from ever being valid (it writes a key this one
    reads): what the gateway commits before it declares this write failed after its outcome stayed
    unknown (`Writes`). It answers JSON `{"cancelled": true}`, or `{"cancelled": false,
    "payment_id": <transaction id>}` when that transaction wrote the key first."""


def argument(value: Any) -> str:
    """The text form the shim parses: str as is, models and structures as JSON, numbers as text."""
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump_json(exclude_unset=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(_jsonable(value), separators=(",", ":"))


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    return value


class Chaincode:
    """Builds calls to one configured chaincode (arguments converted with `argument`)."""

    def __init__(self, channel: str, chaincode: str) -> None:
        self.channel = channel
        self.chaincode = chaincode

    def read(self, function: str, *args: Any,
             endorsing_organizations: tuple[str, ...] = ()) -> ChaincodeCall:
        """A call the gateway evaluates: nothing is recorded."""
        return ChaincodeCall(self.channel, self.chaincode, function, tuple(map(argument, args)),
                             endorsing_organizations=endorsing_organizations)

    def write(self, function: str, *args: Any, transient: Mapping[str, bytes] | None = None,
              endorsing_organizations: tuple[str, ...] = (), fence: ChaincodeCall | None = None) -> ChaincodeCall:
        """A call the gateway submits, at most once per Idempotency-Key (`fence`: see ChaincodeCall)."""
        return ChaincodeCall(self.channel, self.chaincode, function, tuple(map(argument, args)),
                             dict(transient or {}), endorsing_organizations, write=True, fence=fence)
