"""Paginated query results: page_size and bookmark in, items and bookmark out ("" when done)."""
from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel

from .errors import ErrorCode
from .fields import require

MAX_PAGE_SIZE = 100

Item = TypeVar("Item")


class Page(BaseModel, Generic[Item]):
    items: list[Item]
    bookmark: str = ""


def require_page_size(page_size: int) -> None:
    require(type(page_size) is int and 1 <= page_size <= MAX_PAGE_SIZE, ErrorCode.INVALID_ARGUMENT,
            f"page_size: must be an integer from 1 to {MAX_PAGE_SIZE}")
