"""gunicorn settings for `make run`; every value can be overridden on the command line."""

import os

# Two cores: two sync workers with a few threads each keep both cores busy on a read API.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# Build the app once in the master: workers share one config and one cursor-signing key.
preload_app = True
# Let in-flight requests finish on SIGTERM before workers are stopped.
graceful_timeout = 30
timeout = 30
keepalive = 5
accesslog = "-"
# Never advertise the server software and version.
proc_name = "regsec"
