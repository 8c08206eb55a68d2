"""/api/v1/disputes: contested seas, islands and shoals."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, request

from ...dumping import compiled
from ...listing import list_response
from ...params import NoArgs, parse
from ...responses import json_response
from ..incidents import queries as incidents
from . import queries
from .schemas import DisputeDetailOut

bp = Blueprint("disputes", __name__, url_prefix="/disputes")


@bp.get("")
def list_disputes() -> Response:
    """List disputes: filter, sort, search and page them."""
    return list_response(queries.COLLECTION, queries.listing)


@bp.get("/<id>")
def get_dispute(id: str) -> Response:
    """Get one dispute with claimants, features and evidence."""
    parse(NoArgs, request.args)
    return json_response(compiled(DisputeDetailOut)(queries.get(id)))


@bp.get("/<id>/incidents")
def list_dispute_incidents(id: str) -> Response:
    """List incidents in a dispute."""
    stmt = partial(incidents.listing, dispute_id=queries.by_id(id).id)
    return list_response(incidents.COLLECTION, stmt)
