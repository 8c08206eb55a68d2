"""/api/v1/countries: ISO 3166-1 countries and the facts that involve them."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...params import ListArgs, NoArgs, parse
from ...responses import json_response, page_response
from ..commitments import queries as commitments
from ..commitments.schemas import CommitmentOut
from ..disputes import queries as disputes
from ..disputes.schemas import DisputeOut
from ..incidents import queries as incidents
from ..incidents.schemas import IncidentOut
from ..meetings import queries as meetings
from ..meetings.schemas import MeetingOut
from ..people import queries as people
from ..people.schemas import PersonOut
from . import queries
from .schemas import CountryDetailOut, CountryOut, MembershipOut

bp = Blueprint("countries", __name__, url_prefix="/countries")


@bp.get("")
def list_countries() -> Response:
    """List countries (ISO 3166-1), ordered by alpha-2 code."""
    return page_response(
        queries.listing(), queries.ORDER, CountryOut(), parse(ListArgs(), request.args)
    )


@bp.get("/<id>")
def get_country(id: str) -> Response:
    """Get one country by alpha-2 code (case-insensitive), with its memberships."""
    parse(NoArgs(), request.args)
    return json_response(CountryDetailOut().dump(queries.get(id)))


@bp.get("/<id>/memberships")
def list_country_memberships(id: str) -> Response:
    """List the organizations a country belongs to, with role and dates."""
    args = parse(ListArgs(), request.args)
    stmt = queries.memberships(queries.by_id(id))
    return page_response(stmt, queries.MEMBERSHIP_ORDER, MembershipOut(), args)


@bp.get("/<id>/people")
def list_country_people(id: str) -> Response:
    """List people who held an office for a country."""
    args = parse(ListArgs(), request.args)
    stmt = people.listing(country_id=queries.by_id(id).id)
    return page_response(stmt, people.ORDER, PersonOut(), args)


@bp.get("/<id>/meetings")
def list_country_meetings(id: str) -> Response:
    """List meetings a country took part in (or stayed away from)."""
    args = parse(ListArgs(), request.args)
    stmt = meetings.listing(country_id=queries.by_id(id).id)
    return page_response(stmt, meetings.ORDER, MeetingOut(), args)


@bp.get("/<id>/commitments")
def list_country_commitments(id: str) -> Response:
    """List commitments a country gave or received."""
    args = parse(ListArgs(), request.args)
    stmt = commitments.listing(country_id=queries.by_id(id).id)
    return page_response(stmt, commitments.ORDER, CommitmentOut(), args)


@bp.get("/<id>/disputes")
def list_country_disputes(id: str) -> Response:
    """List disputes a country claims in."""
    args = parse(ListArgs(), request.args)
    stmt = disputes.listing(country_id=queries.by_id(id).id)
    return page_response(stmt, disputes.ORDER, DisputeOut(), args)


@bp.get("/<id>/incidents")
def list_country_incidents(id: str) -> Response:
    """List incidents a country was involved in."""
    args = parse(ListArgs(), request.args)
    stmt = incidents.listing(country_id=queries.by_id(id).id)
    return page_response(stmt, incidents.ORDER, IncidentOut(), args)
