"""/api/v1/meetings: summits, ministerials and bilateral talks."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...params import ListArgs, NoArgs, parse
from ...responses import json_response, page_response
from ..commitments import queries as commitments
from ..commitments.schemas import CommitmentOut
from . import queries
from .schemas import MeetingDetailOut, MeetingOut

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


@bp.get("")
def list_meetings() -> Response:
    """List meetings, ordered by id."""
    return page_response(
        queries.listing(), queries.ORDER, MeetingOut(), parse(ListArgs(), request.args)
    )


@bp.get("/<id>")
def get_meeting(id: str) -> Response:
    """Get one meeting with participants, outcomes and evidence."""
    parse(NoArgs(), request.args)
    return json_response(MeetingDetailOut().dump(queries.get(id)))


@bp.get("/<id>/commitments")
def list_meeting_commitments(id: str) -> Response:
    """List commitments made at a meeting."""
    args = parse(ListArgs(), request.args)
    stmt = commitments.listing(meeting_id=queries.by_id(id).id)
    return page_response(stmt, commitments.ORDER, CommitmentOut(), args)
