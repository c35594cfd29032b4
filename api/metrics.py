"""Prometheus metrics: requests, latency and Fabric failures, from the gateway's one process."""
from __future__ import annotations

import time

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("grootboek_api_requests", "HTTP requests answered",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("grootboek_api_request_duration_seconds",
                                 "Time to answer (streams: until the stream starts)",
                                 ["method", "route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.fabric_errors = Counter("grootboek_api_fabric_errors", "Failures reported by Fabric",
                                     ["code"], registry=self.registry)

    def install(self, app: Flask) -> None:
        @app.before_request
        def start_clock() -> None:
            g.started = time.perf_counter()

        @app.after_request
        def observe(response: Response) -> Response:
            route = request.url_rule.rule if request.url_rule else "unmatched"
            self.requests.labels(request.method, route, str(response.status_code)).inc()
            started = g.get("started")
            if started is not None:
                self.latency.labels(request.method, route).observe(time.perf_counter() - started)
            return response

    def exposition(self) -> Response:
        return Response(generate_latest(self.registry), mimetype=CONTENT_TYPE_LATEST)
