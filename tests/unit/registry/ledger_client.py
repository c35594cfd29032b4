"""Calls the registry chaincode on the shim's MemoryLedger the way a client would: by function name,
with arguments on the wire and JSON back."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from grootboek.chaincode import signing
from grootboek.chaincode.registry import chaincode
from grootboek.chaincode.registry.domain.errors import ErrorCode
from grootboek.chaincode.shimtest import MemoryLedger, TestIdentity, make_identity

from .desk import START, Holder

NAMESPACE = "registry"
REGISTRAR = make_identity("RegistryMSP", "registrar", attributes={"role": "registrar"})
OFFICER = make_identity("MunicipalityMSP", "officer", attributes={"role": "officer"})
CLERK = make_identity("MunicipalityMSP", "clerk")


class LedgerClient:
    def __init__(self) -> None:
        self.ledger = MemoryLedger("kadaster")
        self.ledger.deploy(NAMESPACE, chaincode)
        self.now = START

    def _invoke(self, function: str, *args: Any, identity: TestIdentity, transient: dict | None) -> Any:
        self.now += timedelta(minutes=1)
        return self.ledger.invoke(
            NAMESPACE, function, *args, identity=identity, transient=transient, timestamp=self.now
        )

    def call(
        self, function: str, *args: Any, identity: TestIdentity = REGISTRAR, transient: dict | None = None
    ) -> Any:
        result = self._invoke(function, *args, identity=identity, transient=transient)
        assert result.ok, result.message
        return json.loads(result.payload) if result.payload else None

    def refused(
        self,
        code: ErrorCode,
        function: str,
        *args: Any,
        identity: TestIdentity = REGISTRAR,
        transient: dict | None = None,
    ) -> str:
        """Asserts the call fails with `code` and leaves the world state as it was; returns the message."""
        before = self.ledger.state(NAMESPACE)
        result = self._invoke(function, *args, identity=identity, transient=transient)
        assert not result.ok and result.message.startswith(f"{code}: "), result.message
        assert self.ledger.state(NAMESPACE) == before
        return result.message

    def new_party(self) -> Holder:
        key = ec.generate_private_key(ec.SECP256R1())
        return Holder(self.call("Parties:register_party", signing.public_key_pem(key))["id"], key)
