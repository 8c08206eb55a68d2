"""Query helpers every resource's queries module shares."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.strategy_options import _AbstractLoad

from . import db
from .errors import ApiError

T = TypeVar("T")


def one_or_404(stmt: Select[T], kind: str, public_id: str) -> T:
    """The single row `stmt` selects, or a 404 problem naming what was not found."""
    row = db.session().scalars(stmt).first()
    if row is None:
        raise ApiError(404, f"No {kind} with id '{public_id}'.", title="Resource not found")
    return row


def chain(*path: Any) -> _AbstractLoad:
    """selectinload along a relationship path: chain(A.children, Child.evidence_links)."""
    if not path:
        raise ValueError("path required")
    option = selectinload(path[0])
    for attr in path[1:]:
        option = option.selectinload(attr)
    return option
