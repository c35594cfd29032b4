"""What the domain areas share: page queries, role sets, and examples for request bodies."""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from grootboek.chaincode.registry.domain.party import PUBLIC_KEY_EXAMPLE as HOLDER_KEY_EXAMPLE

from ..auth.roles import Role

WRITE_ERRORS = (404, 409, 503, 504)
"""Statuses a chaincode write may answer besides the common ones (400, 401, 403, 422)."""
READ_ERRORS = (404, 503)

ANYONE = set(Role)
"""Every role: queries are open to every user of the gateway (the chaincode still decides)."""




def examples(*values: dict[str, Any]) -> ConfigDict:
    """A request model's examples: its JSON Schema carries them, and the OpenAPI document shows
    them with each operation that takes it (tests/unit/api/test_openapi.py validates each)."""
    return ConfigDict(json_schema_extra={"examples": list(values)})


def example_of(model: type[BaseModel]) -> dict[str, Any]:
    """A model's first example, to build a larger one from it instead of writing it twice."""
    return model.model_config["json_schema_extra"]["examples"][0]


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", use_attribute_docstrings=True)

    page_size: Annotated[int, Field(ge=1, le=100)] = 20
    bookmark: Annotated[str, StringConstraints(max_length=1024, pattern=r"^[\x20-\x7e]*$")] = ""
    """From the previous page; empty for the first page."""
