"""/api/v1/commitments: who pledged what to whom."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...dumping import compiled
from ...listing import list_response
from ...params import NoArgs, parse
from ...responses import json_response
from . import queries
from .schemas import CommitmentDetailOut

bp = Blueprint("commitments", __name__, url_prefix="/commitments")


@bp.get("")
def list_commitments() -> Response:
    """List commitments: filter, sort, search and page them."""
    return list_response(queries.COLLECTION, queries.listing)


@bp.get("/<id>")
def get_commitment(id: str) -> Response:
    """Get one commitment with items, amounts, status history and evidence."""
    parse(NoArgs, request.args)
    return json_response(compiled(CommitmentDetailOut)(queries.get(id)))
