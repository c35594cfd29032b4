"""Shim integration fixtures, besides the shared ones (`municipality`, `conformance`, `key` in
tests/integration/conftest.py): a gateway as the Municipality's officer."""
from __future__ import annotations

import pytest

CHANNEL = "kindpakket"


@pytest.fixture(scope="module")
def officer(fabric, connect_as):
    """The Municipality's user "officer", enrolled with the attribute role=officer."""
    with connect_as(fabric, "Municipality", "officer") as gateway:
        yield gateway
