"""/api/v1/people: named people and the offices they held."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...params import ListArgs, NoArgs, parse
from ...responses import json_response, page_response
from ..commitments import queries as commitments
from ..commitments.schemas import CommitmentOut
from ..meetings import queries as meetings
from ..meetings.schemas import MeetingOut
from . import queries
from .schemas import PersonDetailOut, PersonOut

bp = Blueprint("people", __name__, url_prefix="/people")


@bp.get("")
def list_people() -> Response:
    """List people, ordered by id."""
    return page_response(
        queries.listing(), queries.ORDER, PersonOut(), parse(ListArgs(), request.args)
    )


@bp.get("/<id>")
def get_person(id: str) -> Response:
    """Get one person with their roles and evidence."""
    parse(NoArgs(), request.args)
    return json_response(PersonDetailOut().dump(queries.get(id)))


@bp.get("/<id>/meetings")
def list_person_meetings(id: str) -> Response:
    """List meetings a person took part in."""
    args = parse(ListArgs(), request.args)
    stmt = meetings.listing(person_id=queries.by_id(id).id)
    return page_response(stmt, meetings.ORDER, MeetingOut(), args)


@bp.get("/<id>/commitments")
def list_person_commitments(id: str) -> Response:
    """List commitments a person made."""
    args = parse(ListArgs(), request.args)
    stmt = commitments.listing(person_id=queries.by_id(id).id)
    return page_response(stmt, commitments.ORDER, CommitmentOut(), args)
