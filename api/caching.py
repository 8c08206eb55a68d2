"""HTTP caching: strong ETags from the data version, 304 without rendering, Cache-Control.

The data version is one row the seed loader bumps on every change; each process reads it
at most once per `DATA_VERSION_TTL` seconds, so a revalidation costs no query at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request
from sqlalchemy import select
from werkzeug.datastructures import Headers
from werkzeug.http import http_date

import models as m

from . import db

CACHED_PREFIX = "/api/v1"
UNCACHED = {"/api/v1/health"}


@dataclass(frozen=True)
class Version:
    number: int
    changed_at: dt.datetime | None


class VersionCache:
    """The current data version, re-read from the database at most every `ttl` seconds."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._value: Version | None = None
        self._read_at = 0.0
        self._lock = threading.Lock()

    def cached(self) -> Version | None:
        """The version read less than `ttl` seconds ago, or None (no query is made)."""
        value = self._value
        if value is not None and time.monotonic() - self._read_at < self.ttl:
            return value
        return None

    def get(self) -> Version:
        now = time.monotonic()
        value = self._value
        if value is not None and now - self._read_at < self.ttl:
            return value
        with self._lock:
            row = (
                db.session()
                .execute(
                    select(m.DataVersion.version, m.DataVersion.changed_at).where(
                        m.DataVersion.id == 1
                    )
                )
                .first()
            )
            changed = row[1] if row else None
            if changed is not None and changed.tzinfo is None:
                changed = changed.replace(tzinfo=dt.UTC)  # SQLite drops the zone; stored as UTC
            self._value = Version(row[0] if row else 0, changed)
            self._read_at = now
            return self._value


def etag_for(version: Version, host: str, full_path: str, headers: Headers) -> str:
    """Strong validator: the same data version, URL, host and format give the same body."""
    basis = "|".join((str(version.number), host, full_path, headers.get("Accept", "")))
    return hashlib.sha256(basis.encode()).hexdigest()[:32]


def cacheable(path: str) -> bool:
    return path.startswith(CACHED_PREFIX) and path not in UNCACHED


def init_app(app: Flask) -> None:
    versions = VersionCache(float(app.config.get("DATA_VERSION_TTL", 1.0)))
    app.extensions["regsec.versions"] = versions

    @app.before_request
    def _revalidate() -> Response | None:
        if request.method not in ("GET", "HEAD") or not cacheable(request.path):
            return None
        version = versions.get()
        etag = etag_for(version, request.host, request.full_path, request.headers)
        g.etag, g.last_modified = etag, version.changed_at
        # Only an exact validator: `*` would also match a request that is about to fail.
        if not request.if_none_match.star_tag and etag in request.if_none_match:
            response = Response(status=304)
            _cache_headers(response)
            return response
        return None

    @app.after_request
    def _headers(response: Response) -> Response:
        if response.status_code == 200 and g.get("etag"):
            _cache_headers(response)
        elif request.path in UNCACHED:
            response.headers["Cache-Control"] = "no-store"
        return response


def _cache_headers(response: Response) -> None:
    response.set_etag(g.etag)
    if g.last_modified is not None:
        response.headers["Last-Modified"] = http_date(g.last_modified)
    max_age = current_app.config["CACHE_MAX_AGE"]
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.vary.update(("Accept", "Origin"))
