"""/api/v1/commitments: who pledged what to whom."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...params import ListArgs, NoArgs, parse
from ...responses import json_response, page_response
from . import queries
from .schemas import CommitmentDetailOut, CommitmentOut

bp = Blueprint("commitments", __name__, url_prefix="/commitments")


@bp.get("")
def list_commitments() -> Response:
    """List commitments, ordered by id."""
    args = parse(ListArgs(), request.args)
    return page_response(queries.listing(), queries.ORDER, CommitmentOut(), args)


@bp.get("/<id>")
def get_commitment(id: str) -> Response:
    """Get one commitment with items, amounts, status history and evidence."""
    parse(NoArgs(), request.args)
    return json_response(CommitmentDetailOut().dump(queries.get(id)))
