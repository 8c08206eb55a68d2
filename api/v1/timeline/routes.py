"""/api/v1/timeline: dated meetings, commitments and incidents in order."""

from __future__ import annotations

from flask import Blueprint, Response, request
from sqlalchemy import select

from ...pagination import paginate
from ...params import parse
from ...responses import json_response
from . import queries
from .schemas import COLLECTIONS, TimelineArgs, entry

bp = Blueprint("timeline", __name__, url_prefix="/timeline")


@bp.get("")
def list_timeline() -> Response:
    """List dated facts in date order, by country and period."""
    args = parse(TimelineArgs(), request.args)
    types = list(dict.fromkeys(args["type"].split(","))) if args["type"] else list(COLLECTIONS)
    country = args["country"].upper() if args["country"] else None
    timeline = queries.entries(country, types)
    stmt = select(timeline).where(*queries.period(timeline, args["from_"], args["to"]))
    order = queries.order(timeline, descending=args["sort"] == "-date")
    page = paginate(stmt, order, limit=args["limit"], cursor=args["cursor"], total=args["count"])
    response = json_response(page.envelope([entry(row) for row in page.rows]))
    if link := page.link_header():
        response.headers["Link"] = link
    return response
