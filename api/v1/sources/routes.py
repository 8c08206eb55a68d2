"""/api/v1/sources: the documents and public records behind every fact."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...params import ListArgs, NoArgs, parse
from ...responses import json_response, page_response
from . import queries
from .schemas import SourceDetailOut, SourceOut

bp = Blueprint("sources", __name__, url_prefix="/sources")


@bp.get("")
def list_sources() -> Response:
    """List sources, ordered by id."""
    return page_response(
        queries.listing(), queries.ORDER, SourceOut(), parse(ListArgs(), request.args)
    )


@bp.get("/<id>")
def get_source(id: str) -> Response:
    """Get one source with the quotes taken from it."""
    parse(NoArgs(), request.args)
    return json_response(SourceDetailOut().dump(queries.get(id)))
