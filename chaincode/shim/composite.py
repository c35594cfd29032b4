"""Composite keys and key validation, with Fabric's exact encoding.

A composite key is U+0000, the object type, then each attribute, each followed by U+0000. Because
the key starts with U+0000 it never collides with a simple key, which must not start with it.
"""
from __future__ import annotations

from .errors import ShimError

NAMESPACE = "\x00"
_MIN_RUNE = "\x00"
_MAX_RUNE = "\U0010ffff"
# Fabric substitutes this for an empty range start: "" would otherwise mean "from the composite
# key namespace" and leak composite keys into a simple-key range.
EMPTY_KEY_SUBSTITUTE = "\x01"


def create_composite_key(object_type: str, attributes: list[str] | tuple[str, ...] = ()) -> str:
    _validate_attribute(object_type)
    for attribute in attributes:
        _validate_attribute(attribute)
    return NAMESPACE + "".join(part + _MIN_RUNE for part in (object_type, *attributes))


def split_composite_key(key: str) -> tuple[str, list[str]]:
    """Inverse of `create_composite_key`: (object type, attributes)."""
    if not key.startswith(NAMESPACE) or not key.endswith(_MIN_RUNE) or len(key) < 2:
        raise ShimError(f"not a composite key: {key!r}")
    object_type, *attributes = key[1:-1].split(_MIN_RUNE)
    return object_type, attributes


def partial_key_range(object_type: str, attributes: list[str] | tuple[str, ...]) -> tuple[str, str]:
    """The [start, end) range holding every composite key that extends the given prefix."""
    start = create_composite_key(object_type, attributes)
    return start, start + _MAX_RUNE


def simple_key_range(start: str, end: str) -> tuple[str, str]:
    """Validates a simple-key range and applies Fabric's empty-start substitution."""
    start = start or EMPTY_KEY_SUBSTITUTE
    for key in (start, end):
        if key.startswith(NAMESPACE):
            raise ShimError(f"range key {key!r} starts with U+0000, reserved for composite keys")
    return start, end


def _validate_attribute(value: str) -> None:
    if _MIN_RUNE in value or _MAX_RUNE in value:
        raise ShimError(
            f"composite key part {value!r} contains U+0000 or U+10FFFF, which are reserved"
        )
