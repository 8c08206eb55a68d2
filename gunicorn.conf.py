"""gunicorn settings for `make run`; every value can be overridden on the command line."""

import os
import tempfile

import gunicorn.http.wsgi

# Two cores: two gthread workers with a few threads each keep both cores busy on a read API
# whose requests mostly wait on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# Build the app once in the master: workers share one config and one cursor-signing key.
preload_app = True
# SIGTERM: stop accepting, let in-flight requests finish for up to 30 s, then exit.
graceful_timeout = 30
timeout = 30
keepalive = 5
# The app writes one JSON access-log line per request itself (api/observability.py).
accesslog = None
# The app answers over-long URLs and headers with problem+json (api/security.py), so
# gunicorn's own limits (which answer with an HTML page) are set above the app's.
limit_request_line = 0  # unlimited here: the app answers 414 itself
limit_request_field_size = 0  # likewise 431
proc_name = "regsec"

# No server software name or version in responses.
gunicorn.http.wsgi.SERVER = "regsec"

# Metrics from every worker are aggregated through this directory (api/observability.py).
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="regsec-metrics-"))


def child_exit(server, worker):  # noqa: ANN001  (gunicorn hook signature)
    """Drop a dead worker's live gauges from the aggregated metrics."""
    from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics

    GunicornInternalPrometheusMetrics.mark_process_dead_on_child_exit(worker.pid)
