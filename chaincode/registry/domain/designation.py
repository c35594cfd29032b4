"""The cadastral designation (kadastrale aanduiding) that names a parcel, e.g. ASD04 K 1234."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class Designation(BaseModel):
    """Cadastral municipality code, section and parcel number; unique per parcel, never reused."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    municipality: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}[0-9]{2}$")]
    section: Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,2}$")]
    number: Annotated[int, Field(ge=1, le=99999)]

    @property
    def parcel_id(self) -> str:
        """The parcel's id on the ledger, e.g. "ASD04-K-1234"."""
        return f"{self.municipality}-{self.section}-{self.number}"
