"""Response hardening and request limits: security headers, no server banner, size caps."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from flask import Flask, Request, Response, g, request
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import Headers
from werkzeug.middleware.proxy_fix import ProxyFix

from .errors import ApiError

# /metrics is for operators: answered only to loopback and private-network scrapers.
METRICS_NETWORKS = [
    ipaddress.ip_network(n)
    for n in ("127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
]


def _private_client() -> bool:
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in METRICS_NETWORKS)


# Swagger UI needs its own scripts, styles and inline bootstrap; nothing from elsewhere.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"


class NoSessions(SessionInterface):
    """The API keeps no state between requests and sets no cookies: Flask's default would
    still open (and sign) a cookie session for every request."""

    def open_session(self, app: Flask, request: Request) -> None:
        return None  # Flask then uses a NullSession, which refuses writes

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        return None


def response_headers(headers: Headers, path: str) -> None:
    """The hardening headers of every response."""
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    headers["Content-Security-Policy"] = DOCS_CSP if path.startswith("/apidocs") else API_CSP
    headers.pop("Server", None)


def header_bytes(environ: Mapping[str, Any]) -> int:
    """The size of the request's header block as `request.headers` lists it (name, ": ",
    value, CRLF per header), read from the WSGI environ without building the header map."""
    size = 0
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            if key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                size += len(key) - 1 + len(value)  # len(name) + 4 == len(key) - 5 + 4
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            size += len(key) + 4 + len(value)
    return size


def init_app(app: Flask) -> None:
    app.session_interface = NoSessions()
    config = app.config
    api_headers, docs_headers = Headers(), Headers()
    response_headers(api_headers, "/api")
    response_headers(docs_headers, "/apidocs")
    hardening = {False: api_headers.to_wsgi_list(), True: docs_headers.to_wsgi_list()}

    @app.before_request
    def _limits() -> None:
        req = request._get_current_object()  # type: ignore[attr-defined]  # one proxy lookup
        environ = req.environ
        if req.path == "/metrics" and not _private_client():
            raise ApiError(404, "No resource exists at this URL.", title="Not Found")
        line = len(req.full_path.encode()) + len(req.method) + 1
        if line > config["MAX_URL_LENGTH"]:
            raise ApiError(
                414,
                f"The URL is longer than {config['MAX_URL_LENGTH']} bytes.",
                title="URI too long",
            )
        if header_bytes(environ) > config["MAX_HEADER_BYTES"]:
            raise ApiError(
                431,
                f"The request headers exceed {config['MAX_HEADER_BYTES']} bytes.",
                title="Request header fields too large",
            )
        if "\x00" in req.path:  # no id contains NUL; PostgreSQL text cannot hold it
            raise ApiError(404, "No resource exists at this URL.", title="Not Found")
        query = environ.get("QUERY_STRING", "")
        # Only %00 decodes to NUL: the arguments are parsed here only when one may hold it.
        if "%00" in query or "\x00" in query:
            for name, value in req.args.items(multi=True):
                if "\x00" in value or "\x00" in name:
                    raise ApiError(
                        400,
                        f"Query parameter '{name}' contains a NUL character.",
                        title="Invalid query parameter",
                        errors=[{"name": name, "reason": "NUL characters are not allowed."}],
                    )
        length = req.content_length
        if length is not None and length > config["MAX_CONTENT_LENGTH"]:
            raise ApiError(
                413,
                f"The request body exceeds {config['MAX_CONTENT_LENGTH']} bytes.",
                title="Content too large",
            )

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        # The same hardening headers on every response: added as one list (nothing else sets
        # them; Werkzeug writes no Server header).
        headers.extend(hardening[request.path.startswith("/apidocs")])
        # The rate limiter sets Retry-After on every response: keep it only where it means
        # something, and on a 503 keep the value the error handler chose.
        status = response.status_code
        if status == 503 and g.get("retry_after"):
            headers["Retry-After"] = g.retry_after
        elif status not in (429, 503) and "Retry-After" in headers:
            del headers["Retry-After"]
        return response


def trust_proxies(app: Flask) -> None:
    """Behind `TRUSTED_PROXIES` reverse proxies, the client is the address those proxies add
    to X-Forwarded-For, and the scheme the one they put in X-Forwarded-Proto (Werkzeug's
    ProxyFix, outside every other layer): rate limits, access logs and the /metrics
    allowlist see the client instead of the proxy, and links say https behind a proxy that
    ends TLS. Entries beyond the trusted count are the client's own claims and are ignored;
    with 0 (the default) both headers are, so no client can pose as another address."""
    count = app.config["TRUSTED_PROXIES"]
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise ValueError(f"TRUSTED_PROXIES must be a whole number of 0 or more, not {count!r}")
    if count:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=0, x_port=0, x_prefix=0
        )
