import pytest

from .desk import Desk


@pytest.fixture
def desk() -> Desk:
    return Desk()
