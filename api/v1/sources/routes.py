"""/api/v1/sources: the documents and public records behind every fact."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...dumping import compiled
from ...listing import list_response
from ...params import NoArgs, parse
from ...responses import json_response
from . import queries
from .schemas import SourceDetailOut

bp = Blueprint("sources", __name__, url_prefix="/sources")


@bp.get("")
def list_sources() -> Response:
    """List sources: filter, sort, search and page them."""
    return list_response(queries.COLLECTION, queries.listing)


@bp.get("/<id>")
def get_source(id: str) -> Response:
    """Get one source with the quotes taken from it."""
    parse(NoArgs, request.args)
    return json_response(compiled(SourceDetailOut)(queries.get(id)))
