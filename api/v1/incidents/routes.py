"""/api/v1/incidents: what happened at sea."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...params import ListArgs, NoArgs, parse
from ...responses import json_response, page_response
from . import queries
from .schemas import IncidentDetailOut, IncidentOut

bp = Blueprint("incidents", __name__, url_prefix="/incidents")


@bp.get("")
def list_incidents() -> Response:
    """List incidents, ordered by id."""
    return page_response(
        queries.listing(), queries.ORDER, IncidentOut(), parse(ListArgs(), request.args)
    )


@bp.get("/<id>")
def get_incident(id: str) -> Response:
    """Get one incident with actors, accounts and evidence."""
    parse(NoArgs(), request.args)
    return json_response(IncidentDetailOut().dump(queries.get(id)))
