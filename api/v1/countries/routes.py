"""/api/v1/countries: ISO 3166-1 countries and the facts that involve them."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, request

from ...dumping import compiled
from ...listing import list_response
from ...params import AsOfArgs, parse
from ...responses import json_response
from ..commitments import queries as commitments
from ..common import as_of
from ..disputes import queries as disputes
from ..incidents import queries as incidents
from ..meetings import queries as meetings
from ..people import queries as people
from . import queries
from .schemas import CountryDetailOut

bp = Blueprint("countries", __name__, url_prefix="/countries")


@bp.get("")
def list_countries() -> Response:
    """List countries (ISO 3166-1): filter, sort, search and page them."""
    return list_response(queries.COLLECTION, queries.listing)


@bp.get("/<id>")
def get_country(id: str) -> Response:
    """Get one country by alpha-2 code (any case), with its memberships."""
    args = parse(AsOfArgs, request.args)
    with as_of(args["as_of"]):
        return json_response(compiled(CountryDetailOut)(queries.get(id)))


@bp.get("/<id>/memberships")
def list_country_memberships(id: str) -> Response:
    """List the organizations a country belongs to, with role and dates."""
    return list_response(queries.MEMBERSHIPS, queries.memberships(queries.by_id(id)))


@bp.get("/<id>/people")
def list_country_people(id: str) -> Response:
    """List people who held an office for a country."""
    return list_response(
        people.COLLECTION, partial(people.listing, country_id=queries.by_id(id).id)
    )


@bp.get("/<id>/meetings")
def list_country_meetings(id: str) -> Response:
    """List meetings a country took part in (or stayed away from)."""
    return list_response(
        meetings.COLLECTION, partial(meetings.listing, country_id=queries.by_id(id).id)
    )


@bp.get("/<id>/commitments")
def list_country_commitments(id: str) -> Response:
    """List commitments a country gave or received."""
    stmt = partial(commitments.listing, country_id=queries.by_id(id).id)
    return list_response(commitments.COLLECTION, stmt)


@bp.get("/<id>/disputes")
def list_country_disputes(id: str) -> Response:
    """List disputes a country claims in."""
    return list_response(
        disputes.COLLECTION, partial(disputes.listing, country_id=queries.by_id(id).id)
    )


@bp.get("/<id>/incidents")
def list_country_incidents(id: str) -> Response:
    """List incidents a country was involved in."""
    stmt = partial(incidents.listing, country_id=queries.by_id(id).id)
    return list_response(incidents.COLLECTION, stmt)
