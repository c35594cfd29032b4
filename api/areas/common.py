"""What the domain areas share: page queries, role sets, and examples for request bodies."""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..auth.roles import Role

WRITE_ERRORS = (404, 409, 503, 504)
"""Statuses a chaincode write may answer besides the common ones (400, 401, 403, 422)."""
READ_ERRORS = (404, 503)

ANYONE = set(Role)
"""Every role: queries are open to every user of the gateway (the chaincode still decides)."""


HOLDER_KEY_EXAMPLE = ("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE4MBkVkEVH0GdrELNURj3xng53jA9\n"
                      "KOSW0vs0xM5TypM7dQUnpkngH2BPjTAMq5BQE5mBNoa3tjsu1Pq8le9LPA==\n-----END PUBLIC KEY-----\n")
"""An ECDSA P-256 public key in PEM, as a holder's phone or a party sends it."""


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
