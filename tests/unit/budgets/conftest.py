"""`world`: the Kindpakket world with budget b-0001; `recorded`: with budgets b-1, b-2 and b-3, on a
contract that logs which keys each transaction reads and writes (access.py)."""
import pytest

from grootboek.chaincode.contractapi import Chaincode

from .access import RecordingBudgets
from .kindpakket import Kindpakket


@pytest.fixture
def recorded() -> tuple[Kindpakket, RecordingBudgets]:
    contract = RecordingBudgets()
    world = Kindpakket(Chaincode(contract)).setup()
    for budget_id in ("b-1", "b-2", "b-3"):
        world.issue(budget_id)
    return world, contract


@pytest.fixture
def world() -> Kindpakket:
    world = Kindpakket().setup()
    world.issue()
    return world
