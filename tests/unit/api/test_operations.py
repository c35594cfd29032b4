"""Health, readiness and Prometheus metrics."""
from __future__ import annotations

import grpc

from grootboek.client import EndorseError


def test_liveness_needs_no_peer_and_readiness_reports_it(gateway):
    client = gateway.client()
    assert client.get("/health/live").get_json() == {"status": "live"}
    # The profile names no reachable peer in unit tests.
    gateway.services.connections.ready = lambda timeout: False
    ready = client.get("/health/ready")
    assert (ready.status_code, ready.get_json()["code"]) == (503, "PEER_UNAVAILABLE")
    assert ready.headers["Retry-After"] == "2"
    gateway.services.connections.ready = lambda timeout: True
    assert client.get("/health/ready").get_json() == {"status": "ready"}


def test_metrics_count_requests_by_route_and_fabric_errors_by_code(gateway):
    def down(call):
        raise EndorseError("connection refused", code=grpc.StatusCode.UNAVAILABLE)
    gateway.invoker.answers["get_parcel"] = down
    client = gateway.client()
    for _ in range(2):
        assert client.get("/v1/registry/parcels/P-1", headers=gateway.auth("officer")).status_code == 503
    text = client.get("/metrics").get_data(as_text=True)
    route = 'method="GET",route="/v1/registry/parcels/<parcel_id>"'
    assert f'grootboek_api_requests_total{{{route},status="503"}} 2.0' in text
    assert f"grootboek_api_request_duration_seconds_count{{{route}}} 2.0" in text
    assert 'grootboek_api_fabric_errors_total{code="PEER_UNAVAILABLE"} 2.0' in text


def test_an_unwritable_database_is_503_naming_it_on_writes_and_on_readiness(gateway):
    gateway.services.connections.ready = lambda timeout: True
    gateway.invoker.answers["pay"] = lambda call: b'{"id": "p1"}'
    client = gateway.client()
    # The app's thread's connection may only read from now on, as a read-only file would.
    gateway.services.database.connection().execute("PRAGMA query_only = ON")
    ready = client.get("/health/ready")
    assert (ready.status_code, ready.get_json()["code"]) == (503, "DATABASE_READ_ONLY")
    paid = client.post("/v1/budgets/payments", json={"budget_id": "b-1", "amount": 1, "category": "bicycles",
                                                     "code": "abc"},
                       headers=gateway.auth("shop", **{"Idempotency-Key": "k-ro"}))
    assert (paid.status_code, paid.get_json()["code"]) == (503, "DATABASE_READ_ONLY")
    assert gateway.invoker.submitted("pay") == 0  # nothing was submitted without its record
