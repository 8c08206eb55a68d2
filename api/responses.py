"""Turning results into HTTP responses: one JSON encoder, one list envelope."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response, current_app

from .formats import JSON, negotiate


def dumps(body: Any) -> bytes:
    """JSON bytes; values JSON has no type for are converted as Flask's own encoder does."""
    return orjson.dumps(body, default=current_app.json.default, option=orjson.OPT_NON_STR_KEYS)  # type: ignore[attr-defined]


def json_response(body: Any, status: int = 200) -> Response:
    """A JSON response; a request whose Accept excludes JSON gets a 406 instead."""
    negotiate([JSON])
    return Response(dumps(body), status=status, mimetype=JSON)
