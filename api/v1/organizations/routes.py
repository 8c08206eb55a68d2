"""/api/v1/organizations: groupings, bodies and agencies, with dated memberships."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, request

from ...dumping import compiled
from ...listing import list_response
from ...params import AsOfArgs, parse
from ...responses import json_response
from ..commitments import queries as commitments
from ..common import as_of
from ..incidents import queries as incidents
from ..meetings import queries as meetings
from . import queries
from .schemas import OrganizationDetailOut

bp = Blueprint("organizations", __name__, url_prefix="/organizations")


@bp.get("")
def list_organizations() -> Response:
    """List organizations: filter, sort, search and page them."""
    return list_response(queries.COLLECTION, queries.listing)


@bp.get("/<id>")
def get_organization(id: str) -> Response:
    """Get one organization with its members (as of a day, if asked) and evidence."""
    args = parse(AsOfArgs, request.args)
    with as_of(args["as_of"]):
        return json_response(compiled(OrganizationDetailOut)(queries.get(id)))


@bp.get("/<id>/members")
def list_organization_members(id: str) -> Response:
    """List an organization's members with role and dates."""
    return list_response(queries.MEMBERS, queries.members(queries.by_id(id)))


@bp.get("/<id>/meetings")
def list_organization_meetings(id: str) -> Response:
    """List meetings an organization took part in."""
    stmt = partial(meetings.listing, organization_id=queries.by_id(id).id)
    return list_response(meetings.COLLECTION, stmt)


@bp.get("/<id>/commitments")
def list_organization_commitments(id: str) -> Response:
    """List commitments an organization gave or received."""
    stmt = partial(commitments.listing, organization_id=queries.by_id(id).id)
    return list_response(commitments.COLLECTION, stmt)


@bp.get("/<id>/incidents")
def list_organization_incidents(id: str) -> Response:
    """List incidents an organization was involved in."""
    stmt = partial(incidents.listing, organization_id=queries.by_id(id).id)
    return list_response(incidents.COLLECTION, stmt)
