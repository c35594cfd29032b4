"""Shared test configuration: everything under tests/integration runs against real Fabric networks
started by our own tooling (and is marked `integration`, so `-m "not integration"` gives a fast run)."""
import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)
