"""Client integration fixtures, besides the shared ones (`municipality`, `conformance`, `key` in
tests/integration/conftest.py): the Merchants' gateway and the Municipality admin's credentials."""
from __future__ import annotations

import pytest

from grootboek.client.identity import PrivateKeySigner, X509Identity

CHANNEL = "kindpakket"


@pytest.fixture(scope="module")
def merchants(fabric, connect_as):
    with connect_as(fabric, "Merchants") as gateway:
        yield gateway


@pytest.fixture(scope="module")
def admin_credentials(fabric):
    """(identity, signer) of the Municipality admin, read from the MSP directory."""
    msp = fabric.layout.crypto("Municipality").user_dir("admin") / "msp"
    msp_id = fabric.consortium.organization("Municipality").msp_id
    return X509Identity.from_msp_directory(msp_id, msp), PrivateKeySigner.from_msp_directory(msp)
