"""People queries: the collection's filters, sort keys and eager loads."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

import models as m

from ...filters import AsOf, Related, Text
from ...listing import Collection
from ...pagination import by_column
from ...queries import chain, one_or_404
from .schemas import PersonOut

Pe, R = m.Person, m.Role

COLLECTION = Collection(
    type="person",
    model=Pe,
    schema=PersonOut,
    filters={
        "name": Text(column=Pe.name, nullable=False),
        # role conditions describe one role row together
        "office": Text(column=R.office, nullable=False, group="role"),
        "country": Related(
            build=lambda v: R.country.has(m.Country.iso2.in_(v)),
            ids="country",
            ops=frozenset({"eq", "in"}),
            group="role",
        ),
        "organization": Related(
            build=lambda v: R.organization.has(m.Organization.slug.in_(v)),
            ops=frozenset({"eq", "in"}),
            group="role",
        ),
        "as_of": AsOf(since=R.since, until_end=R.until_end, group="role"),
    },
    groups={"role": Pe.roles},
    sorts={"id": by_column("id", Pe.slug), "name": by_column("name", Pe.name)},
    default_sort=("id",),
)


def listing(*, country_id: int | None = None) -> Select[m.Person]:
    stmt = select(Pe).options(chain(Pe.roles, R.country), chain(Pe.roles, R.organization))
    if country_id is not None:
        stmt = stmt.where(Pe.roles.any(R.country_id == country_id))
    return stmt


def get(slug: str) -> m.Person:
    stmt = (
        listing()
        .where(Pe.slug == slug)
        .options(selectinload(Pe.evidence_links), chain(Pe.roles, R.evidence_links))
    )
    return one_or_404(stmt, "person", slug)


def by_id(slug: str) -> m.Person:
    return one_or_404(select(Pe).where(Pe.slug == slug), "person", slug)
