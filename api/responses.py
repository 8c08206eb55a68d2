"""Turning results into HTTP responses: one JSON encoder, one list envelope."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Response, json
from marshmallow import Schema
from sqlalchemy import Select

from .pagination import SortKey, paginate


def json_response(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def page_response(
    stmt: Select[Any], order: Sequence[SortKey], schema: Schema, args: dict[str, Any]
) -> Response:
    """Paginate `stmt`, dump the page with `schema` and wrap it in the list envelope."""
    page = paginate(stmt, order, args)
    response = json_response(page.envelope(schema.dump(page.items, many=True)))
    link = page.link_header()
    if link:
        response.headers["Link"] = link
    return response
