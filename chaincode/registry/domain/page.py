"""Pagination of queries: a page size and an opaque bookmark in, items and the next bookmark out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from .errors import ErrorCode, RegistryError

MAX_PAGE_SIZE = 100

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    page_size: int
    bookmark: str = ""  # "" for the first page

    def __post_init__(self) -> None:
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise RegistryError(
                ErrorCode.INVALID_ARGUMENT,
                f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {self.page_size}",
            )


class Page(BaseModel, Generic[T]):
    """One page of results; `bookmark` fetches the next page and is "" after the last one."""

    model_config = ConfigDict(frozen=True)

    items: tuple[T, ...]
    bookmark: Annotated[str, Field(examples=[""])]
