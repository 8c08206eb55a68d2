"""Query helpers every resource's queries module shares."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.strategy_options import _AbstractLoad

import models as m

from . import db, rows
from .errors import ApiError
from .filters import split_ids

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


# At most this many listed rows for a filter on their related rows (a commitment's parties, a
# meeting's participants, an incident's actors): the page is read from their ids (look up
# each, sort them) instead of walking the table in the page's order until a page of them is
# found. A few actors are in much of the table, most in little of it (1M commitments:
# giver=JP 191k commitments, giver=TV 465; meetings with JP 53k, with BB 158). Neither
# database knows which when it plans (the statement names the actor, not its row count), and
# both walk: about 50 * rows / matches rows visited, against about `matches` looked up. At
# 1M: giver=TV walked 165 ms (SQLite) and 272 ms (PostgreSQL), read from its ids 5 and 11 ms.
FEW = 2000


def few_or_any(
    relationship: Any,
    conditions: list[ColumnElement[bool]],
    probe: list[ColumnElement[bool]],
    key: tuple[Any, ...],
) -> ColumnElement[bool]:
    """`the row has a related row matching all conditions` (`relationship`: one to many),
    as the ids of those rows when they are at most FEW, else as EXISTS. `probe` is the
    same conditions on the related row's own key columns (indexed, mostly); it reads at
    most FEW + 1 related rows, once per data version (rows.few keeps the answer by `key`).
    A filters.Combine: a filter group's clause (`participant=BB&attendance=absent`)."""
    [(parent, child)] = relationship.property.local_remote_pairs
    found = select(child).where(and_(*probe)).limit(FEW + 1)
    ids = rows.few(found, FEW, (str(relationship), *key))
    if ids is None:
        return relationship.any(and_(*conditions))  # type: ignore[no-any-return]
    return rows.among(parent, ids)


def actor_keys(
    values: list[str], country: Any, organization: Any, person: Any = None
) -> ColumnElement[bool]:
    """An actor filter's values (country codes, organization or person slugs) as a condition
    on a row's own actor key columns, `country_id IN (SELECT id ...)`: what the indexes on
    those columns answer. Only the branches the values need."""
    codes, slugs = split_ids(values)
    branches = []
    if codes:
        branches.append(country.in_(select(m.Country.id).where(m.Country.iso2.in_(codes))))
    if slugs:
        branches.append(
            organization.in_(select(m.Organization.id).where(m.Organization.slug.in_(slugs)))
        )
        if person is not None:
            branches.append(person.in_(select(m.Person.id).where(m.Person.slug.in_(slugs))))
    return or_(*branches)
