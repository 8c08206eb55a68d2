"""Country queries: ISO reference rows and what links to them."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

import models as m

from ...filters import AsOf, Choice, Related, Text
from ...listing import Collection
from ...pagination import by_column, by_nullable
from ...queries import chain, one_or_404
from ..organizations.schemas import MEMBERSHIP_ROLES
from .schemas import CountryOut, MembershipOut

Ms = m.Membership
MEMBERSHIP_AS_OF = AsOf(since=Ms.since, until_end=Ms.until_end)

COLLECTION = Collection(
    type="country",
    model=m.Country,
    schema=CountryOut,
    filters={
        "name": Text(column=m.Country.name, nullable=False),
        "iso3": Text(column=m.Country.iso3, nullable=False, ops=frozenset({"eq", "in"})),
        "region": Text(column=m.Country.region),
        "wikidata": Text(column=m.Country.wikidata, ops=frozenset({"eq", "in", "isnull"})),
        # membership conditions describe one membership row together
        "member_of": Related(
            build=lambda v: Ms.organization.has(m.Organization.slug.in_(v)),
            ops=frozenset({"eq", "in"}),
            group="membership",
        ),
        "membership_role": Choice(
            column=Ms.role,
            choices=MEMBERSHIP_ROLES,
            ops=frozenset({"eq", "in"}),
            group="membership",
        ),
        "as_of": AsOf(since=Ms.since, until_end=Ms.until_end, group="membership"),
    },
    groups={"membership": m.Country.memberships},
    sorts={
        "id": by_column("id", m.Country.iso2),
        "name": by_column("name", m.Country.name),
        "iso3": by_column("iso3", m.Country.iso3),
    },
    default_sort=("id",),
)

MEMBERSHIPS = Collection(
    type="membership",
    model=Ms,
    schema=MembershipOut,
    filters={
        "organization": Related(build=lambda v: Ms.organization.has(m.Organization.slug.in_(v))),
        "role": Choice(column=Ms.role, choices=MEMBERSHIP_ROLES),
        "as_of": MEMBERSHIP_AS_OF,
    },
    sorts={
        "id": by_column("id", Ms.id, "int"),
        "since": by_nullable("since", Ms.since, "date"),
    },
    default_sort=("id",),
    searchable=False,
)


def listing() -> Select[m.Country]:
    return select(m.Country)


def get(code: str) -> m.Country:
    stmt = (
        select(m.Country)
        .where(m.Country.iso2 == func.upper(code))
        .options(
            selectinload(m.Country.evidence_links),
            chain(m.Country.memberships, Ms.organization),
            chain(m.Country.memberships, Ms.evidence_links),
        )
    )
    return one_or_404(stmt, "country", code.upper())


def memberships(country: m.Country) -> Select[m.Membership]:
    return (
        select(Ms)
        .where(Ms.member_country_id == country.id)
        .options(selectinload(Ms.organization), selectinload(Ms.evidence_links))
    )


def by_id(code: str) -> m.Country:
    """Resolve a country for a nested route without loading its relations."""
    stmt = select(m.Country).where(m.Country.iso2 == func.upper(code))
    return one_or_404(stmt, "country", code.upper())
