"""gunicorn settings for `make run`; every value can be overridden on the command line."""

import gc
import os
import socket
import sys
import tempfile

import gunicorn.http.wsgi

# Two cores: two gthread workers with a few threads each keep both cores busy on a read API
# whose requests mostly wait on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# Build the app once in the master: workers share one config and one cursor-signing key.
preload_app = True
# Each worker listens on its own SO_REUSEPORT socket and the kernel spreads connections over
# them. On one shared socket the first worker to wake takes the connection, and keep-alive
# clients stay where they landed: under load the benchmark saw all 16 connections on one
# worker (one core idle, a 304 at 4,000 instead of 11,000 req/s) in about half the runs.
# The master then binds nothing itself: on_starting checks that the address is free.
reuse_port = os.environ.get("GUNICORN_REUSE_PORT", "1") != "0"
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
# gunicorn's most: 32,768 headers cannot fit in the app's 16 KB (431), where gunicorn's
# default of 100 answered a request of 101 small headers with its own HTML error page.
limit_request_fields = 32768
# The scheme comes from X-Forwarded-Proto only through the app's TRUSTED_PROXIES
# (api/security.py). gunicorn's default believes that header from any loopback peer.
forwarded_allow_ips = ""
proc_name = "regsec"

# No server software name or version in responses.
gunicorn.http.wsgi.SERVER = "regsec"

# Metrics from every worker are aggregated through this directory (api/observability.py).
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="regsec-metrics-"))


def child_exit(server, worker):  # noqa: ANN001  (gunicorn hook signature)
    """Drop a dead worker's live gauges from the aggregated metrics."""
    from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics

    GunicornInternalPrometheusMetrics.mark_process_dead_on_child_exit(worker.pid)


def on_starting(server):  # noqa: ANN001  (gunicorn hook signature)
    """With reuse_port a taken port would only fail in the workers, which the master restarts
    forever; probe each TCP address once (without SO_REUSEPORT, so another server on it,
    this one's own kind included, is found) and stop with one clear message."""
    if not server.cfg.reuse_port:
        return
    for address in server.cfg.address:
        if not isinstance(address, tuple):  # a unix socket: gunicorn binds and checks it
            continue
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address[:2])
            except OSError as exc:
                server.log.error("Cannot listen on %s:%s: %s", address[0], address[1], exc)
                sys.exit(1)


def pre_fork(server, worker):  # noqa: ANN001  (gunicorn hook signature)
    """Move every object the preloaded app made (~140k: modules, SQLAlchemy's and
    marshmallow's structures, the OpenAPI spec) to the collector's permanent generation
    before each worker forks, so a worker's full collections walk only what it made itself.
    Without it each full collection walked them all and held the GIL for 70-170 ms. 1M SQLite
    file, list page: in-process, 2,000 pages, mean 1.59-1.77 -> 1.47-1.51 ms and longest
    70-84 -> 2.5-2.8 ms; under gunicorn and wrk (bench/run.py, two alternated pairs),
    681-690 -> 825-869 req/s and p99 128-140 -> 48-51 ms. The worker's collector also no
    longer writes to those objects, so their pages stay shared with the master."""
    gc.freeze()
