"""Property-based fuzzing of the live gateway from its own OpenAPI document (schemathesis): no
answer is a server error, and every answer matches the document (status, content type, schema)."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = 8  # per operation: enough to cross every validation path, cheap enough for a shared network
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="session")
def fuzzer(gateways):
    """A Municipality user holding every gateway role, so requests get past the role checks and
    reach Fabric (which refuses what the officer's certificate may not do)."""
    gateway = gateways["Municipality"]
    roles = [arg for role in ("reader", "officer", "registrar", "merchant-registrar", "operator")
             for arg in ("--role", role)]
    gateway.admin("user", "add", "fuzzer", "--msp-dir", str(gateway.users_dir / "officer" / "msp"), *roles,
                  "--merchant", "fuzz-shop")
    gateway.issue_token("fuzzer")
    return gateway.client("fuzzer")


@pytest.fixture(scope="session")
def api_schema(gateways):
    document = gateways["Municipality"].client().get("/openapi.json").json()
    # Event streams never end: they are tested in test_events.
    return schemathesis.openapi.from_dict(document).exclude(path_regex=r".*/events$")


def test_no_server_errors_and_no_responses_outside_the_document(api_schema, fuzzer):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 50
    queried: set[str] = set()  # operations called with query parameters: the document must carry them
    calls = 0
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)
        def fuzz(case) -> None:
            nonlocal calls
            calls += 1
            if case.query:
                queried.add(operation.label)
            case.call_and_validate(base_url=fuzzer.base_url, session=fuzzer.session, checks=CHECKS,
                                   verify=fuzzer.session.verify)

        fuzz()
    with_query = {operation.label for operation in operations if operation.query}
    assert len(with_query) >= 5 and queried == with_query
    print(f"\nschemathesis: {calls} calls of {len(operations)} operations, {len(queried)} with query "
          "parameters; 0 server errors, 0 schema violations")

