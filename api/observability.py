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
from prometheus_client import CollectorRegistry

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
    logger.setLevel(level)


def _metrics(app: Flask) -> None:
    """prometheus-flask-exporter; aggregated across gunicorn workers when the multiprocess
    directory is set (gunicorn.conf.py sets it), else one registry per app."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics

        exporter: Any = GunicornInternalPrometheusMetrics(app, path="/metrics", group_by="url_rule")
    else:
        from prometheus_flask_exporter import PrometheusMetrics

        exporter = PrometheusMetrics(
            app, path="/metrics", group_by="url_rule", registry=CollectorRegistry()
        )
    app.extensions["regsec.metrics"] = exporter


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
    """Count and log a request answered outside Flask (api/revalidate.py) as the exporter
    and `_finish` below count and log the others."""
    collectors = app.extensions["regsec.metrics"].registry._names_to_collectors
    seconds = max(time.perf_counter() - started, 0.0)
    code = str(status)
    collectors["flask_http_request_duration_seconds"].labels(
        method=method, url_rule=rule, status=code
    ).observe(seconds)
    collectors["flask_http_request_total"].labels(method=method, status=code).inc()
    access_line(method, path, status, started, request_id, client, 0)


def init_app(app: Flask) -> None:
    configure_logging(app.config.get("LOG_LEVEL", "INFO"))
    _metrics(app)

    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()
        g.request_id = request_id(request.headers.get("X-Request-Id", ""))

    @app.after_request
    def _finish(response: Response) -> Response:
        rid = g.get("request_id") or uuid.uuid4().hex
        response.headers["X-Request-Id"] = rid
        access_line(
            request.method,
            request.path,
            response.status_code,
            g.get("started"),
            rid,
            request.remote_addr,
            response.calculate_content_length(),
        )
        return response
