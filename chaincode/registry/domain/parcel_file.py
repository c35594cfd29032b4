"""A parcel with its current rights: the registry's file on it (the answer to "what is on this land")."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from .encumbrances import Encumbrances
from .ownership import Ownership
from .page import Page
from .parcel import Parcel


class ParcelFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    parcel: Parcel
    ownership: Ownership
    encumbrances: Encumbrances


class ParcelFilePage(Page[ParcelFile]):
    pass
