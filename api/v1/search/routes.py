"""/api/v1/search: one ranked search across every resource and its evidence quotes."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Blueprint, Response, request
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import Double, select

from ... import db
from ...pagination import SortKey, paginate
from ...params import parse
from ...responses import json_response
from ...search import TEXTS, matches
from ..common import ref

bp = Blueprint("search", __name__, url_prefix="/search")


class SearchArgs(Schema):
    class Meta:
        unknown = RAISE

    q = fields.String(required=True, validate=validate.Length(min=1, max=200))
    type = fields.String(load_default=None, validate=validate.OneOf(tuple(TEXTS)))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None, validate=validate.Length(min=1, max=1000))
    count = fields.Boolean(load_default=True, truthy={"true", "1"}, falsy={"false", "0"})


def _resources(rows: list[Any]) -> dict[tuple[str, int], Any]:
    """Load the page's resources with one query per type present."""
    wanted: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        wanted[row.subject_type].append(row.subject_id)
    found: dict[tuple[str, int], Any] = {}
    for subject_type, ids in wanted.items():
        model = TEXTS[subject_type][0]
        for obj in db.session().scalars(select(model).where(model.id.in_(ids))):
            found[(subject_type, obj.id)] = obj
    return found


@bp.get("")
def search() -> Response:
    """Search every resource (names, summaries and evidence quotes), best match first."""
    args = parse(SearchArgs(), request.args)
    hits = matches(db.session().get_bind().dialect.name, args["type"], args["q"])
    rank = hits.c.rank.cast(Double)
    stmt = select(hits.c.subject_type, hits.c.subject_id, rank.label("rank"))
    order = [
        SortKey("rank", rank, lambda r: r.rank, "float", descending=True),
        SortKey("type", hits.c.subject_type, lambda r: r.subject_type),
        SortKey("id", hits.c.subject_id, lambda r: r.subject_id, "int"),
    ]
    page = paginate(stmt, order, limit=args["limit"], cursor=args["cursor"], total=args["count"])
    resources = _resources(list(page.rows))
    data = [
        {"resource": ref(resources[(r.subject_type, r.subject_id)]), "rank": r.rank}
        for r in page.rows
        if (r.subject_type, r.subject_id) in resources
    ]
    response = json_response(page.envelope(data))
    if link := page.link_header():
        response.headers["Link"] = link
    return response
