"""HTTP caching: strong ETags from the data version, 304 without rendering, Cache-Control.

The data version is one row the seed loader bumps on every change; each process reads it
at most once per `DATA_VERSION_TTL` seconds, so a revalidation costs no query at all.
"""

from __future__ import annotations

import datetime as dt
import functools
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


def etag_for(version: Version, scheme: str, host: str, full_path: str, headers: Headers) -> str:
    """Strong validator: the same data version, URL (scheme, host, path and query) and
    format give the same body; its links are absolute, so http and https bodies differ."""
    basis = "|".join((str(version.number), scheme, host, full_path, headers.get("Accept", "")))
    return hashlib.sha256(basis.encode()).hexdigest()[:32]


def data_version() -> int:
    """The data version this request works at: the one its ETag names (read once per
    request), so that what is kept per version agrees within a request."""
    version: Version | None = g.get("data_version")
    if version is None:
        version = g.data_version = current_app.extensions["regsec.versions"].get()
    return version.number


def cacheable(path: str) -> bool:
    return path.startswith(CACHED_PREFIX) and path not in UNCACHED


def init_app(app: Flask) -> None:
    versions = VersionCache(float(app.config.get("DATA_VERSION_TTL", 1.0)))
    app.extensions["regsec.versions"] = versions
    cache_control = f"public, max-age={app.config['CACHE_MAX_AGE']}"

    @app.before_request
    def _revalidate() -> Response | None:
        req = request._get_current_object()  # type: ignore[attr-defined]  # one proxy lookup
        if req.method not in ("GET", "HEAD") or not cacheable(req.path):
            return None
        version = g.data_version = versions.get()
        etag = etag_for(version, req.scheme, req.host, req.full_path, req.headers)
        g.etag, g.last_modified = etag, version.changed_at
        # Only an exact validator: `*` would also match a request that is about to fail.
        if (
            "HTTP_IF_NONE_MATCH" in req.environ
            and not req.if_none_match.star_tag
            and etag in req.if_none_match
        ):
            response = Response(status=304)
            _cache_headers(response, cache_control)
            return response
        return None

    @app.after_request
    def _headers(response: Response) -> Response:
        if response.status_code == 200 and g.get("etag"):
            _cache_headers(response, cache_control)
        elif request.path in UNCACHED:
            response.headers["Cache-Control"] = "no-store"
        return response


def _cache_headers(response: Response, cache_control: str) -> None:
    headers = response.headers
    headers["ETag"] = f'"{g.etag}"'  # hex digits: nothing to quote
    if g.last_modified is not None:
        headers["Last-Modified"] = _http_date(g.last_modified)
    headers["Cache-Control"] = cache_control
    if "Vary" in headers:
        response.vary.update(("Accept", "Origin"))
    else:
        headers["Vary"] = "Accept, Origin"


@functools.lru_cache(maxsize=8)
def _http_date(changed_at: dt.datetime) -> str:
    """Last-Modified for a data version (one per version, not one per response)."""
    return http_date(changed_at)
