"""/api/v1/people: named people and the offices they held."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, request

from ...dumping import compiled
from ...listing import list_response
from ...params import AsOfArgs, parse
from ...responses import json_response
from ..commitments import queries as commitments
from ..common import as_of
from ..meetings import queries as meetings
from . import queries
from .schemas import PersonDetailOut

bp = Blueprint("people", __name__, url_prefix="/people")


@bp.get("")
def list_people() -> Response:
    """List people: filter, sort, search and page them."""
    return list_response(queries.COLLECTION, queries.listing)


@bp.get("/<id>")
def get_person(id: str) -> Response:
    """Get one person with their roles (as of a day, if asked) and evidence."""
    args = parse(AsOfArgs, request.args)
    with as_of(args["as_of"]):
        return json_response(compiled(PersonDetailOut)(queries.get(id)))


@bp.get("/<id>/meetings")
def list_person_meetings(id: str) -> Response:
    """List meetings a person took part in."""
    stmt = partial(meetings.listing, person_id=queries.by_id(id).id)
    return list_response(meetings.COLLECTION, stmt)


@bp.get("/<id>/commitments")
def list_person_commitments(id: str) -> Response:
    """List commitments a person made."""
    stmt = partial(commitments.listing, person_id=queries.by_id(id).id)
    return list_response(commitments.COLLECTION, stmt)
