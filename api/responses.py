"""Turning results into HTTP responses: one JSON encoder, one list envelope."""

from __future__ import annotations

from typing import Any

from flask import Response, json

from .formats import JSON, negotiate


def json_response(body: Any, status: int = 200) -> Response:
    """A JSON response; a request whose Accept excludes JSON gets a 406 instead."""
    negotiate([JSON])
    return Response(json.dumps(body), status=status, mimetype=JSON)
