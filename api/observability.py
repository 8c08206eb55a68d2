"""Request ids and response headers every response carries."""

from __future__ import annotations

import re
import uuid

from flask import Flask, Response, g, request

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


def init_app(app: Flask) -> None:
    @app.before_request
    def _request_id() -> None:
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id") or uuid.uuid4().hex
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
