"""/api/v1/meetings: summits, ministerials and bilateral talks."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, request

from ...dumping import compiled
from ...listing import list_response
from ...params import NoArgs, parse
from ...responses import json_response
from ..commitments import queries as commitments
from . import queries
from .schemas import MeetingDetailOut

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


@bp.get("")
def list_meetings() -> Response:
    """List meetings: filter, sort, search and page them."""
    return list_response(queries.COLLECTION, queries.listing)


@bp.get("/<id>")
def get_meeting(id: str) -> Response:
    """Get one meeting with participants, outcomes and evidence."""
    parse(NoArgs, request.args)
    return json_response(compiled(MeetingDetailOut)(queries.get(id)))


@bp.get("/<id>/commitments")
def list_meeting_commitments(id: str) -> Response:
    """List commitments made at a meeting."""
    stmt = partial(commitments.listing, meeting_id=queries.by_id(id).id)
    return list_response(commitments.COLLECTION, stmt)
