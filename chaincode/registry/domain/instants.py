"""Points in time given by clients as ISO 8601 text, for questions like "who owned it then"."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from .errors import ErrorCode, RegistryError


def parse_instant(text: str) -> datetime:
    """A datetime with an offset, or a date meaning the end of that day (UTC), as an aware datetime."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1), time(), timezone.utc) - timedelta(microseconds=1)
        instant = datetime.fromisoformat(text)
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise RegistryError(
            ErrorCode.INVALID_ARGUMENT,
            f"expected a date (2024-05-01) or a datetime with offset (2024-05-01T12:00:00Z), got {text!r}",
        )
    return instant
