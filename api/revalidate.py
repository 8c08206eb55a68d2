"""Revalidation before Flask: a conditional GET whose ETag still matches gets its 304 here.

A 304 needs no query and no rendering: the ETag comes from the data version (cached per
process, api/caching.py), the host, the URL and Accept. Through Flask the answer still cost
~0.6 ms of CPU in hooks that do nothing for it (sessions, URL routing, eight before/after
hooks); the benchmark's revalidation scenario ran at 0.4-0.96x the floor's trivial endpoint
(bench/RESULTS.md). This WSGI layer answers the same 304, with the same headers (tests/
test_revalidate.py compares them with Flask's), and still counts it in the request metrics
and the access log. Anything it is not sure about goes to Flask unchanged: another method
or path, a stale version cache, a URL or header block near the size limits, a NUL, an
`If-None-Match` that does not match, or rate limiting switched on (Flask-Limiter counts
every request, and only the app can do that).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.datastructures import Headers
from werkzeug.http import remove_entity_headers
from werkzeug.wrappers import Request

from . import caching, cors, observability, security

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


MAX_REMEMBERED = 10_000  # paths whose URL rule is kept


class Revalidation:
    """WSGI middleware in front of the Flask app (see the module docstring)."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.versions: caching.VersionCache = app.extensions["regsec.versions"]
        config = app.config
        self.enabled = not config["RATELIMIT_ENABLED"]
        # Leave requests anywhere near a limit to security.py, which answers them properly.
        self.max_url = config["MAX_URL_LENGTH"] // 2
        self.max_headers = config["MAX_HEADER_BYTES"] // 2
        self.urls = app.url_map
        self.rules: dict[str, str] = {}  # path -> its URL rule (the metrics label)
        # Every header but ETag and X-Request-Id is the same on each 304 answered here (all
        # under /api/v1): built once, by the functions the Flask path uses.
        same = Headers()
        same["Cache-Control"] = f"public, max-age={config['CACHE_MAX_AGE']}"
        same["Vary"] = "Accept, Origin"
        cors.simple_headers(same)
        security.response_headers(same, caching.CACHED_PREFIX)
        remove_entity_headers(same)  # as Werkzeug does for every 304
        self.headers = same.to_wsgi_list()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self.enabled and environ.get("HTTP_IF_NONE_MATCH"):
            answered = self._not_modified(environ, start_response)
            if answered is not None:
                return answered
        return self.wsgi_app(environ, start_response)

    def _not_modified(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes] | None:
        started = time.perf_counter()
        method = environ.get("REQUEST_METHOD")
        path = environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        if method not in ("GET", "HEAD") or not caching.cacheable(path):
            return None
        if len(path) + len(query) > self.max_url or "\x00" in path or "%00" in query.lower():
            return None
        version = self.versions.cached()
        if version is None:  # stale: Flask re-reads it from the database
            return None
        request = Request(environ)
        if security.header_bytes(environ) > self.max_headers:
            return None
        if request.if_none_match.star_tag:
            return None
        etag = caching.etag_for(
            version, request.scheme, request.host, request.full_path, request.headers
        )
        if etag not in request.if_none_match:
            return None
        rule = self._rule(environ, path)
        if rule is None:
            return None
        request_id = observability.request_id(request.headers.get("X-Request-Id", ""))
        headers = [("ETag", f'"{etag}"'), *self.headers, ("X-Request-Id", request_id)]
        start_response("304 NOT MODIFIED", headers)
        observability.record(
            self.app, method, path, rule, 304, started, request_id, request.remote_addr
        )
        return []

    def _rule(self, environ: dict[str, Any], path: str) -> str | None:
        """The URL rule `path` matches, remembered for the next request of the same path."""
        rule = self.rules.get(path)
        if rule is None:
            try:
                rule = str(self.urls.bind_to_environ(environ).match(return_rule=True)[0])
            except Exception:  # noqa: BLE001  # no route (404) or a redirect: Flask answers
                return None
            if len(self.rules) >= MAX_REMEMBERED:
                self.rules.clear()
            self.rules[path] = rule
        return rule


def init_app(app: Flask) -> None:
    app.wsgi_app = Revalidation(app, app.wsgi_app)  # type: ignore[method-assign]
