"""Shared test configuration: everything under tests/integration runs against real Fabric networks
started by our own tooling (and is marked `integration`, so `-m "not integration"` gives a fast run);
a real PostgreSQL server (tests/postgres.py) for whichever tests ask for one."""
import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


def pytest_terminal_summary(terminalreporter):
    from tests import doc_examples

    if doc_examples.RAN:
        marked = sum(block.not_run is not None for block in doc_examples.all_blocks())
        terminalreporter.write_line(f"documentation examples: {len(doc_examples.RAN)} run, {marked} marked not run")


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server for the session (each test makes its own database in it)."""
    from tests import postgres

    with postgres.running() as server:
        yield server
