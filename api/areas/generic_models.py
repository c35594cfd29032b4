"""Request and response models of the generic endpoints."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StringConstraints

from ..auth.roles import Role

Text = Annotated[str, StringConstraints(max_length=65536)]


class Invocation(BaseModel):
    """A call of any function of a deployed contract (`Contract:function` or `function`)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"function": "Budgets:get_scheme", "args": ["voorbeeldregeling"]}]})

    function: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    args: Annotated[list[Text], Field(max_length=64)] = []
    transient: Annotated[dict[Annotated[str, StringConstraints(min_length=1, max_length=256)], Text],
                         Field(max_length=16)] = {}
    """Private inputs (not recorded on the ledger), as text."""
    endorsing_organizations: Annotated[list[Annotated[str, StringConstraints(min_length=1, max_length=128)]],
                                       Field(max_length=16)] = []
    """MSP ids that must endorse (default: as the chaincode's policies require)."""


class InvocationResult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"transaction_id": "8a1f0c3e5b7d9f2a4c6e8b0d1f3a5c7e9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a", "encoding": "json",
         "result": {"id": "voorbeeldregeling", "status": "draft"}}]})

    transaction_id: str | None = None
    """Set for submitted transactions."""
    encoding: Literal["json", "text", "base64", "empty"]
    result: JsonValue
    """The chaincode's return value: parsed JSON, text, base64 of binary data, or null."""


class ChannelHeight(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"channel": "kindpakket", "height": 42,
         "current_block_hash": "3f2b9c0d8e7a6f5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b"}]})

    channel: str
    height: int
    """Blocks on the peer's ledger (the next block's number)."""
    current_block_hash: str


class TransactionStatus(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"transaction_id": "8a1f0c3e5b7d9f2a4c6e8b0d1f3a5c7e9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a", "block_number": 41, "validation_code": "VALID",
         "valid": True}]})

    transaction_id: str
    block_number: int
    validation_code: str
    """VALID, or why the committed transaction was invalidated (MVCC_READ_CONFLICT, ...)."""
    valid: bool


class EventsQuery(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    start_block: Annotated[int, Field(ge=0)] | None = None
    """Where to start when no Last-Event-ID is sent (default: the next block)."""


class Me(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"name": "officer", "msp_id": "MunicipalityMSP", "roles": ["officer"], "merchant": None,
         "fabric_id": "x509::CN=officer,OU=client::CN=ca.gemeente.grootboek.nl,O=gemeente.grootboek.nl,C=NL"}]})

    name: str
    msp_id: str
    roles: list[Role]
    merchant: str | None
    fabric_id: str
    """The identity as chaincode sees it (x509::<subject>::<issuer>): what a merchants' registrar
    registers as a shop's identity."""
