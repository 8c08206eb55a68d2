"""People queries."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

import models as m

from ...pagination import SortKey
from ...queries import chain, one_or_404

ORDER = [SortKey(m.Person.slug)]


def listing(*, country_id: int | None = None) -> Select[m.Person]:
    stmt = select(m.Person).options(
        chain(m.Person.roles, m.Role.country), chain(m.Person.roles, m.Role.organization)
    )
    if country_id is not None:
        stmt = stmt.where(m.Person.roles.any(m.Role.country_id == country_id))
    return stmt


def get(slug: str) -> m.Person:
    stmt = (
        listing()
        .where(m.Person.slug == slug)
        .options(
            selectinload(m.Person.evidence_links), chain(m.Person.roles, m.Role.evidence_links)
        )
    )
    return one_or_404(stmt, "person", slug)


def by_id(slug: str) -> m.Person:
    return one_or_404(select(m.Person).where(m.Person.slug == slug), "person", slug)
