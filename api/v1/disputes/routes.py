"""/api/v1/disputes: contested seas, islands and shoals."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...params import ListArgs, NoArgs, parse
from ...responses import json_response, page_response
from ..incidents import queries as incidents
from ..incidents.schemas import IncidentOut
from . import queries
from .schemas import DisputeDetailOut, DisputeOut

bp = Blueprint("disputes", __name__, url_prefix="/disputes")


@bp.get("")
def list_disputes() -> Response:
    """List disputes, ordered by id."""
    return page_response(
        queries.listing(), queries.ORDER, DisputeOut(), parse(ListArgs(), request.args)
    )


@bp.get("/<id>")
def get_dispute(id: str) -> Response:
    """Get one dispute with claimants, features and evidence."""
    parse(NoArgs(), request.args)
    return json_response(DisputeDetailOut().dump(queries.get(id)))


@bp.get("/<id>/incidents")
def list_dispute_incidents(id: str) -> Response:
    """List incidents in a dispute."""
    args = parse(ListArgs(), request.args)
    stmt = incidents.listing(dispute_id=queries.by_id(id).id)
    return page_response(stmt, incidents.ORDER, IncidentOut(), args)
