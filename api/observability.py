"""What operators see: a request id on every response, one JSON log line per request,
Prometheus metrics at /metrics (request counts and latency by endpoint and status)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import sys
import time
import uuid
from typing import Any

from flask import Flask, Response, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
access_log = logging.getLogger("regsec.access")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the record's extras."""

    FIELDS = ("method", "path", "status", "duration_ms", "request_id", "client", "bytes")

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in self.FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str) -> None:
    """JSON lines on stderr for the app's loggers (idempotent)."""
    logger = logging.getLogger("regsec")
    if not any(getattr(h, "_regsec", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler._regsec = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(level.upper())  # `debug` as well as `DEBUG`


MAX_LABEL_SETS = 4_096  # kept children; beyond this (odd methods) they are looked up again


class RequestMetrics:
    """Request count and latency by method, URL rule and status, under the names and labels
    prometheus-flask-exporter gives them. Recorded by the app's own after-request hook: the
    exporter's hook looked each label set up again per request (`labels()`: a lock, a key
    built from strings); here each label set's children are kept in a dict."""

    def __init__(self, registry: Any) -> None:
        self.duration = Histogram(
            "flask_http_request_duration_seconds",
            "Flask HTTP request duration in seconds",
            ("method", "url_rule", "status"),
            registry=registry,
        )
        self.total = Counter(
            "flask_http_request_total",
            "Total number of HTTP requests",
            ("method", "status"),
            registry=registry,
        )
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe(self, method: str, rule: str, status: int, seconds: float) -> None:
        key = (method, rule, status)
        children = self._children.get(key)
        if children is None:
            if len(self._children) >= MAX_LABEL_SETS:
                self._children.clear()
            code = str(status)
            children = self.duration.labels(method, rule, code), self.total.labels(method, code)
            self._children[key] = children
        children[0].observe(max(seconds, 0.0))
        children[1].inc()


def _metrics(app: Flask) -> RequestMetrics:
    """prometheus-flask-exporter serves /metrics, aggregated across gunicorn workers when the
    multiprocess directory is set (gunicorn.conf.py sets it), else one registry per app; the
    request metrics themselves are `RequestMetrics`, recorded by `_finish`."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics

        exporter: Any = GunicornInternalPrometheusMetrics(
            app, path="/metrics", export_defaults=False
        )
    else:
        from prometheus_flask_exporter import PrometheusMetrics

        exporter = PrometheusMetrics(
            app, path="/metrics", export_defaults=False, registry=CollectorRegistry()
        )
    metrics = RequestMetrics(exporter.registry)
    app.extensions["regsec.metrics"] = metrics
    return metrics


def request_id(incoming: str) -> str:
    """The client's X-Request-Id when it is a sane token, else a new one."""
    return incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex


def access_line(
    method: str,
    path: str,
    status: int,
    started: float | None,
    request_id: str,
    client: str | None,
    size: int | None,
) -> None:
    if not access_log.isEnabledFor(logging.INFO):
        return
    duration = (time.perf_counter() - started) * 1000 if started else None
    access_log.info(
        "request",
        extra={
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": None if duration is None else round(duration, 2),
            "request_id": request_id,
            "client": client,
            "bytes": size,
        },
    )


def record(
    app: Flask,
    method: str,
    path: str,
    rule: str,
    status: int,
    started: float,
    request_id: str,
    client: str | None,
) -> None:
    """Count and log a request answered outside Flask (api/revalidate.py) as `_finish` below
    counts and logs the others."""
    app.extensions["regsec.metrics"].observe(method, rule, status, time.perf_counter() - started)
    access_line(method, path, status, started, request_id, client, 0)


def init_app(app: Flask) -> None:
    configure_logging(app.config.get("LOG_LEVEL", "INFO"))
    metrics = _metrics(app)

    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()
        g.request_id = request_id(request.environ.get("HTTP_X_REQUEST_ID", ""))

    @app.after_request
    def _finish(response: Response) -> Response:
        req = request._get_current_object()  # type: ignore[attr-defined]  # one proxy lookup
        rid = g.get("request_id") or uuid.uuid4().hex
        response.headers["X-Request-Id"] = rid
        started = g.get("started")
        # The exporter's /metrics view marks its requests untracked; they are not counted.
        if started is not None and not hasattr(req, "prom_do_not_track"):
            seconds = time.perf_counter() - started
            metrics.observe(req.method, str(req.url_rule), response.status_code, seconds)
        if access_log.isEnabledFor(logging.INFO):
            access_line(
                req.method,
                req.path,
                response.status_code,
                started,
                rid,
                req.remote_addr,
                response.calculate_content_length(),
            )
        return response
