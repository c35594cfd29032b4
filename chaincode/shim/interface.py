"""What the runtime executes: the counterpart of Go's shim.Chaincode interface."""
from __future__ import annotations

from typing import Protocol

from .base_stub import BaseStub
from .response import Response


class ChaincodeInterface(Protocol):
    """`grootboek.chaincode.contractapi.Chaincode` (the contract router) is one; a hand-written class
    with these two methods is another. Both get a stub and must return a Response, not raise."""

    def init(self, stub: BaseStub) -> Response: ...

    def invoke(self, stub: BaseStub) -> Response: ...
