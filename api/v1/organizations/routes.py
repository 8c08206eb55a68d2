"""/api/v1/organizations: groupings, bodies and agencies, with dated memberships."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...params import ListArgs, NoArgs, parse
from ...responses import json_response, page_response
from ..commitments import queries as commitments
from ..commitments.schemas import CommitmentOut
from ..incidents import queries as incidents
from ..incidents.schemas import IncidentOut
from ..meetings import queries as meetings
from ..meetings.schemas import MeetingOut
from . import queries
from .schemas import MemberOut, OrganizationDetailOut, OrganizationOut

bp = Blueprint("organizations", __name__, url_prefix="/organizations")


@bp.get("")
def list_organizations() -> Response:
    """List organizations, ordered by id."""
    args = parse(ListArgs(), request.args)
    return page_response(queries.listing(), queries.ORDER, OrganizationOut(), args)


@bp.get("/<id>")
def get_organization(id: str) -> Response:
    """Get one organization with its members and evidence."""
    parse(NoArgs(), request.args)
    return json_response(OrganizationDetailOut().dump(queries.get(id)))


@bp.get("/<id>/members")
def list_organization_members(id: str) -> Response:
    """List an organization's members with role and dates."""
    args = parse(ListArgs(), request.args)
    stmt = queries.members(queries.by_id(id))
    return page_response(stmt, queries.MEMBER_ORDER, MemberOut(), args)


@bp.get("/<id>/meetings")
def list_organization_meetings(id: str) -> Response:
    """List meetings an organization took part in."""
    args = parse(ListArgs(), request.args)
    stmt = meetings.listing(organization_id=queries.by_id(id).id)
    return page_response(stmt, meetings.ORDER, MeetingOut(), args)


@bp.get("/<id>/commitments")
def list_organization_commitments(id: str) -> Response:
    """List commitments an organization gave or received."""
    args = parse(ListArgs(), request.args)
    stmt = commitments.listing(organization_id=queries.by_id(id).id)
    return page_response(stmt, commitments.ORDER, CommitmentOut(), args)


@bp.get("/<id>/incidents")
def list_organization_incidents(id: str) -> Response:
    """List incidents an organization was involved in."""
    args = parse(ListArgs(), request.args)
    stmt = incidents.listing(organization_id=queries.by_id(id).id)
    return page_response(stmt, incidents.ORDER, IncidentOut(), args)
