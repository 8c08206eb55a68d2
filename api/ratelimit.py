"""Per-client rate limits (Flask-Limiter): standard RateLimit-* headers, 429 problem+json.

Storage is in memory per process by default; set RATELIMIT_STORAGE_URI=redis://... so
every worker and instance shares one count.
"""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import HeaderNames, Limiter
from flask_limiter.util import get_remote_address

EXEMPT_PREFIXES = ("/api/v1/health", "/metrics", "/apidocs")


def _exempt() -> bool:
    return request.path.startswith(EXEMPT_PREFIXES) or request.method == "OPTIONS"


def init_app(app: Flask) -> Limiter:
    limiter = Limiter(
        key_func=get_remote_address,
        app=app,
        # One count per client for the whole API (api/config.py RATELIMIT_APPLICATION).
        application_limits=[app.config["RATELIMIT_APPLICATION"]],
        application_limits_exempt_when=_exempt,
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        headers_enabled=True,
        header_name_mapping={
            HeaderNames.LIMIT: "RateLimit-Limit",
            HeaderNames.REMAINING: "RateLimit-Remaining",
            HeaderNames.RESET: "RateLimit-Reset",
            HeaderNames.RETRY_AFTER: "Retry-After",
        },
        retry_after="delta-seconds",
        enabled=app.config["RATELIMIT_ENABLED"],
        # A storage outage must not take the API down: fall back to per-process counts.
        in_memory_fallback_enabled=True,
        swallow_errors=True,
    )
    return limiter
