"""Shim integration fixtures: the conformance chaincode on the shared network's kindpakket channel
(Municipality and Merchants, collection "private"), reached through each organisation's gateway."""
from __future__ import annotations

import uuid

import pytest

CHANNEL = "kindpakket"


@pytest.fixture(scope="module")
def municipality(fabric, connect_as):
    with connect_as(fabric, "Municipality") as gateway:
        yield gateway


@pytest.fixture(scope="module")
def officer(fabric, connect_as):
    """The Municipality's user "officer", enrolled with the attribute role=officer."""
    with connect_as(fabric, "Municipality", "officer") as gateway:
        yield gateway


@pytest.fixture
def conformance(municipality):
    return municipality.network(CHANNEL).contract("conformance")


@pytest.fixture
def key() -> str:
    """A fresh key (and key prefix) per test: the shared network's state outlives every test."""
    return f"shim-{uuid.uuid4().hex[:12]}"
