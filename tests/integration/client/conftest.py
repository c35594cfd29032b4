"""Client integration fixtures: gateways on the shared network (see tests/integration/conftest.py)
as each organisation's admin, and the conformance chaincode on the kindpakket channel
(Municipality and Merchants; private data collection "private")."""
from __future__ import annotations

import uuid

import pytest

from grootboek.client.identity import X509Identity
from grootboek.client.signer import PrivateKeySigner

CHANNEL = "kindpakket"


@pytest.fixture(scope="module")
def municipality(fabric, connect_as):
    with connect_as(fabric, "Municipality") as gateway:
        yield gateway


@pytest.fixture(scope="module")
def merchants(fabric, connect_as):
    with connect_as(fabric, "Merchants") as gateway:
        yield gateway


@pytest.fixture
def conformance(municipality):
    return municipality.network(CHANNEL).contract("conformance")


@pytest.fixture
def key() -> str:
    """A fresh key per test: the shared network's state outlives every test."""
    return f"client-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def admin_credentials(fabric):
    """(identity, signer) of the Municipality admin, read from the MSP directory."""
    msp = fabric.layout.crypto("Municipality").user_dir("admin") / "msp"
    msp_id = fabric.consortium.organization("Municipality").msp_id
    return X509Identity.from_msp_directory(msp_id, msp), PrivateKeySigner.from_msp_directory(msp)
