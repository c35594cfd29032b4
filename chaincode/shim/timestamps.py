"""google.protobuf.Timestamp to an aware UTC datetime (microseconds; Python has no nanoseconds)."""
from __future__ import annotations

from datetime import datetime, timezone

from google.protobuf.timestamp_pb2 import Timestamp


def to_datetime(stamp: Timestamp) -> datetime:
    return datetime.fromtimestamp(stamp.seconds, timezone.utc).replace(
        microsecond=stamp.nanos // 1000
    )
