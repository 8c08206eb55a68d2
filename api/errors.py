"""Every error becomes application/problem+json (RFC 9457); nothing internal leaks."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, g, json, request
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException
from werkzeug.urls import iri_to_uri

log = logging.getLogger("regsec.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"

# One slug per error family; the problem type URI is /problems/<slug>, described in openapi.yaml.
PROBLEM_SLUGS = {
    400: "bad-request",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    413: "payload-too-large",
    414: "uri-too-long",
    415: "unsupported-media-type",
    422: "unprocessable-content",
    429: "too-many-requests",
    431: "request-header-fields-too-large",
    500: "internal-error",
    503: "service-unavailable",
}


class ApiError(Exception):
    """Raised anywhere in a request to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title
        self.errors = errors
        self.headers = headers or {}


def bad_parameter(name: str, reason: str) -> ApiError:
    """A 400 that names the offending query parameter."""
    return ApiError(
        400,
        f"Invalid query parameter '{name}': {reason}",
        title="Invalid query parameter",
        errors=[{"name": name, "reason": reason}],
    )


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    from http import HTTPStatus

    body: dict[str, Any] = {
        "type": f"/problems/{PROBLEM_SLUGS.get(status, 'error')}",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": iri_to_uri(request.path) if request else None,
    }
    if errors:
        body["errors"] = errors
    request_id = g.get("request_id")
    if request_id:
        body["request_id"] = request_id
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MEDIA_TYPE)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    if "Retry-After" in (headers or {}):
        g.retry_after = response.headers["Retry-After"]  # kept over the rate limiter's value
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return problem(
            exc.status, exc.detail, title=exc.title, errors=exc.errors, headers=exc.headers
        )

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        headers = {k: v for k, v in exc.get_headers() if k.lower() in {"allow", "retry-after"}}
        detail = _DETAILS.get(status) or (exc.description or "")
        return problem(status, detail, headers=headers)

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeout)
    def _database_unavailable(exc: Exception) -> Response:
        return database_problem(exc)

    @app.errorhandler(DBAPIError)
    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            return database_problem(exc)  # a dropped connection, whatever the DBAPI class
        log.exception("unhandled error (request id %s)", g.get("request_id"))
        return problem(
            500,
            "An unexpected error occurred. It has been logged; quote the request id when "
            "reporting it.",
        )


# SQLSTATE 57014 query_canceled: PostgreSQL's statement_timeout (DB_STATEMENT_TIMEOUT_MS) hit.
QUERY_CANCELED = "57014"


def database_problem(exc: Exception) -> Response:
    """503 for a database that is down, unreachable, saturated or too slow; never a 500."""
    retry_after = {"Retry-After": str(current_app.config.get("DB_RETRY_AFTER", 5))}
    if getattr(getattr(exc, "orig", None), "sqlstate", None) == QUERY_CANCELED:
        log.warning("database query cancelled by statement_timeout")
        return problem(
            503,
            "The query took too long and was cancelled; retry shortly or narrow the request.",
            headers=retry_after,
        )
    log.error("database unavailable: %s", type(exc).__name__)
    return problem(503, "The database is unavailable; retry shortly.", headers=retry_after)


# Fixed wording for the statuses whose werkzeug descriptions mention server internals.
_DETAILS = {
    404: "No resource exists at this URL.",
    405: "This method is not allowed on this resource; see the Allow header.",
    413: "The request body is too large.",
    414: "The request URL is too long.",
    431: "The request headers are too large.",
}
