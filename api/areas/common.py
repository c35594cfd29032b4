"""What the domain areas share: page queries and role sets."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..auth.roles import Role

WRITE_ERRORS = (404, 409, 503, 504)
"""Statuses a chaincode write may answer besides the common ones (400, 401, 403, 422)."""
READ_ERRORS = (404, 503)

ANYONE = set(Role)
"""Every role: queries are open to every user of the gateway (the chaincode still decides)."""


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", use_attribute_docstrings=True)

    page_size: Annotated[int, Field(ge=1, le=100)] = 20
    bookmark: Annotated[str, StringConstraints(max_length=1024, pattern=r"^[\x20-\x7e]*$")] = ""
    """From the previous page; empty for the first page."""
