"""The gateway as operators see it: readiness, metrics, the OpenAPI document and the interactive
docs."""
from __future__ import annotations

from grootboek.network.nodes.readiness import parse_metrics


def test_metrics_count_every_request(gateways):
    gateway = gateways["Registry"]
    registrar = gateway.client("registrar")
    for _ in range(12):
        assert registrar.get("/v1/me", headers={"Connection": "close"}).status_code == 200
    samples = parse_metrics(gateway.client().get("/metrics").text)
    served = sum(value for name, labels, value in samples
                 if name == "grootboek_api_requests_total" and labels.get("route") == "/v1/me")
    assert served >= 12


def test_readiness_docs_and_document_need_no_credentials(gateways):
    anonymous = gateways["Merchants"].client()
    assert anonymous.get("/health/ready").json() == {"status": "ready"}
    assert "swagger-ui" in anonymous.get("/docs").text
    paths = anonymous.get("/openapi.json").json()["paths"]
    assert "/v1/budgets/payments" in paths and not any(path.startswith("/v1/registry") for path in paths)
