"""CORS for browsers: every origin may read; the headers clients need are exposed."""

from __future__ import annotations

from flask import Flask
from flask_cors import CORS
from werkzeug.datastructures import Headers

EXPOSED = [
    "ETag",
    "Last-Modified",
    "Link",
    "Location",
    "Retry-After",
    "X-Request-Id",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Deprecation",
    "Sunset",
]


def simple_headers(headers: Headers) -> None:
    """What flask-cors adds to a simple (non-preflight) response under /api/ (every origin
    may read): for answers made outside Flask (api/revalidate.py); tests compare the two."""
    headers["Access-Control-Allow-Origin"] = "*"
    headers["Access-Control-Expose-Headers"] = ", ".join(sorted(EXPOSED))


def init_app(app: Flask) -> None:
    CORS(
        app,
        resources={r"/api/*": {"origins": "*"}},
        methods=["GET", "HEAD", "OPTIONS"],
        expose_headers=EXPOSED,
        allow_headers=["Accept", "If-None-Match", "If-Modified-Since", "X-Request-Id"],
        max_age=86400,
        send_wildcard=True,
        vary_header=True,
    )
