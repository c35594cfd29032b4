"""What every service holds: the storage ports and the circumstances of the current transaction."""

from __future__ import annotations

from ..model.act import Act
from .records import Records


class Service:
    def __init__(self, records: Records, act: Act) -> None:
        self.records = records
        self.act = act
