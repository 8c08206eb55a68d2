"""Health probes: liveness (`/health`, never touches the database) and readiness
(`/health/ready`: the database answers and its schema is at the head migration).

Neither is cached, ETagged or rate limited.
"""

from __future__ import annotations

import logging
from functools import cache

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Response, current_app, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .. import caching, db
from ..config import PROJECT_ROOT
from ..errors import ApiError
from ..params import NoArgs, parse
from ..responses import json_response

log = logging.getLogger("regsec.health")

LIVENESS = "/api/v1/health"
READINESS = "/api/v1/health/ready"
MIGRATIONS = PROJECT_ROOT / "migrations"

bp = Blueprint("health", __name__, url_prefix="/health")

# Probes must never be answered from a cache or by a 304 (api/caching.py skips these paths).
caching.UNCACHED.update({LIVENESS, READINESS})


@cache
def head_revisions() -> frozenset[str]:
    """The head revision(s) of migrations/ (read once per process)."""
    return frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())


def _unready(detail: str) -> ApiError:
    retry_after = str(current_app.config.get("DB_RETRY_AFTER", 5))
    return ApiError(503, detail, headers={"Retry-After": retry_after, "Cache-Control": "no-store"})


@bp.get("")
def health() -> Response:
    """Liveness: the process is up and serving. Always 200; queries nothing.

    `database` is what the process last saw of the database on real traffic ("ok",
    "unavailable", or "unknown" before any use); readiness is the probe that checks it.
    """
    parse(NoArgs, request.args)
    return _no_store(json_response({"status": "ok", "database": db.state(current_app)}))


@bp.get("/ready")
def ready() -> Response:
    """Readiness: the database answers, and its Alembic revision is the head of migrations/."""
    parse(NoArgs, request.args)
    try:
        with db.engine(current_app).connect() as conn:
            conn.execute(text("SELECT 1"))
            current = frozenset(MigrationContext.configure(conn).get_current_heads())
    except SQLAlchemyError as exc:
        log.warning("readiness: database unreachable (%s)", type(exc).__name__)
        raise _unready("The database is unreachable.") from None
    if current != head_revisions():
        log.warning(
            "readiness: database at %s, migrations head %s",
            sorted(current) or "nothing",
            sorted(head_revisions()),
        )
        raise _unready("The database schema is not at the latest migration; run the migrations.")
    return _no_store(json_response({"status": "ready", "database": "ok", "migrations": "head"}))


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
