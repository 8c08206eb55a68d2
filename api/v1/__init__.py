"""The versioned surface: one blueprint per resource under /api/v1, plus index and health."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..params import NoArgs, parse
from ..responses import json_response
from .commitments.routes import bp as commitments
from .common import api_root, set_api_root
from .countries.routes import bp as countries
from .disputes.routes import bp as disputes
from .health import bp as health
from .incidents.routes import bp as incidents
from .meetings.routes import bp as meetings
from .organizations.routes import bp as organizations
from .people.routes import bp as people
from .search.routes import bp as search
from .sources.routes import bp as sources
from .timeline.routes import bp as timeline

RESOURCES = (countries, organizations, people, meetings, commitments, disputes, incidents, sources)

bp = Blueprint("v1", __name__, url_prefix="/api/v1")
for resource in (*RESOURCES, timeline, search, health):
    bp.register_blueprint(resource)
bp.before_request(set_api_root)


@bp.get("")
def index() -> Response:
    """Link every collection of the API."""
    parse(NoArgs, request.args)
    root = api_root()
    return json_response(
        {
            "name": "Regional Security API",
            "version": "v1",
            "collections": {r.name: f"{root}{r.url_prefix}" for r in RESOURCES},
            "links": {
                "self": root,
                "health": f"{root}/health",
                "timeline": f"{root}/timeline",
                "search": f"{root}/search",
                "openapi": f"{root}/openapi.json",
                "docs": f"{request.host_url}apidocs/",
            },
        }
    )
