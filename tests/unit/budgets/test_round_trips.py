"""How often an operation goes to the peer for its reads, and that reading up front reads exactly
the keys the operation read before (its read set decides its conflicts)."""
import base64
import hashlib
import json

import pytest

from grootboek.chaincode.shim import Chaincode

from .access import Access, RecordingBudgets
from .kindpakket import BIKE_SHOP, SCHEME, Kindpakket, identity_id


@pytest.fixture
def recorded() -> tuple[Kindpakket, RecordingBudgets]:
    contract = RecordingBudgets()
    world = Kindpakket(Chaincode(contract)).setup()
    world.issue("b-1")
    return world, contract


def _nonce(code: str) -> str:
    return json.loads(base64.urlsafe_b64decode(code + "=" * (-len(code) % 4)))["statement"]["nonce"]


def test_a_payment_reads_its_six_keys_in_two_round_trips(recorded):
    world, contract = recorded
    code = world.code("b-1")
    world.ok(BIKE_SHOP, "pay", "b-1", 1_000, "bicycles", code)
    access: Access = contract.log[-1]
    binding = hashlib.sha256(identity_id(BIKE_SHOP).encode()).hexdigest()
    assert access.reads == {("merchant-by-cert", binding), ("merchant", "fietsenwinkel"), ("budget", "b-1"),
                            ("scheme", SCHEME), ("code", "b-1", _nonce(code)),
                            ("admission", SCHEME, "fietsenwinkel")}
    assert access.round_trips == 2
