"""/api/v1/incidents: what happened at sea."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...dumping import compiled
from ...listing import list_response
from ...params import NoArgs, parse
from ...responses import json_response
from . import queries
from .schemas import IncidentDetailOut

bp = Blueprint("incidents", __name__, url_prefix="/incidents")


@bp.get("")
def list_incidents() -> Response:
    """List incidents: filter, sort, search and page them."""
    return list_response(queries.COLLECTION, queries.listing)


@bp.get("/<id>")
def get_incident(id: str) -> Response:
    """Get one incident with actors, accounts and evidence."""
    parse(NoArgs, request.args)
    return json_response(compiled(IncidentDetailOut)(queries.get(id)))
