"""Prometheus metrics at /metrics; works across gunicorn workers with PROMETHEUS_MULTIPROC_DIR."""
from __future__ import annotations

import os
import time

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, Histogram,
                               generate_latest, multiprocess)

bp = Blueprint("metrics", __name__)

REQUEST_LATENCY = Histogram(
    "hotline_request_seconds", "Time to answer an HTTP request", ["endpoint", "method", "status"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15),
)
CALLS_BY_STATUS = Counter("hotline_calls_total", "Calls reaching a status, by status", ["status"])
QUEUE_DEPTH = Gauge("hotline_queue_waiting", "Callers waiting, by queue", ["queue"],
                    multiprocess_mode="livemax")
WEBHOOKS_REJECTED = Counter("hotline_webhooks_rejected_total", "Webhooks refused for a bad signature")


@bp.get("/metrics")
def metrics() -> Response:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        output = generate_latest(registry)
    else:
        output = generate_latest(REGISTRY)
    return Response(output, mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.before_request
    def _start_timer() -> None:
        g._request_started = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        started = g.pop("_request_started", None)
        if started is not None:
            REQUEST_LATENCY.labels(request.endpoint or "unknown", request.method,
                                   str(response.status_code)).observe(time.perf_counter() - started)
            if response.status_code == 403 and request.path.startswith(("/voice", "/sms", "/recordings")):
                WEBHOOKS_REJECTED.inc()
        return response
