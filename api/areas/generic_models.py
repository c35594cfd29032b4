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
    transaction_id: str | None = None
    """Set for submitted transactions."""
    encoding: Literal["json", "text", "base64", "empty"]
    result: JsonValue
    """The chaincode's return value: parsed JSON, text, base64 of binary data, or null."""


class ChannelHeight(BaseModel):
    channel: str
    height: int
    """Blocks on the peer's ledger (the next block's number)."""
    current_block_hash: str


class TransactionStatus(BaseModel):
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
    name: str
    msp_id: str
    roles: list[Role]
    merchant: str | None
    fabric_id: str
    """The identity as chaincode sees it (x509::<subject>::<issuer>): what a merchants' registrar
    registers as a shop's identity."""
