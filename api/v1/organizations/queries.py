"""Organization queries: the collection's filters, sort keys and eager loads."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import selectinload

import models as m

from ...filters import AsOf, Choice, Related, Text, split_ids
from ...listing import Collection
from ...pagination import by_column, by_nullable
from ...queries import chain, one_or_404
from .schemas import KINDS, MEMBERSHIP_ROLES, MemberOut, OrganizationOut

Org, Ms = m.Organization, m.Membership


def _member(values: list[str]) -> ColumnElement[bool]:
    codes, slugs = split_ids(values)
    return or_(
        Ms.member_country.has(m.Country.iso2.in_(codes)),
        Ms.member_organization.has(Org.slug.in_(slugs)),
    )


COLLECTION = Collection(
    type="organization",
    model=Org,
    schema=OrganizationOut,
    filters={
        "kind": Choice(column=Org.kind, choices=KINDS),
        "name": Text(column=Org.name, nullable=False),
        "short_name": Text(column=Org.short_name),
        "country": Related(build=lambda v: Org.country.has(m.Country.iso2.in_(v)), ids="country"),
        "parent": Related(build=lambda v: Org.parent.has(Org.slug.in_(v))),
        "member": Related(build=_member, ids="actor", ops=frozenset({"eq", "in"}), group="member"),
        "member_role": Choice(
            column=Ms.role, choices=MEMBERSHIP_ROLES, ops=frozenset({"eq", "in"}), group="member"
        ),
        "as_of": AsOf(since=Ms.since, until_end=Ms.until_end, group="member"),
    },
    groups={"member": Org.memberships},
    sorts={
        "id": by_column("id", Org.slug),
        "name": by_column("name", Org.name),
        "kind": by_column("kind", Org.kind),
    },
    default_sort=("id",),
    expansions={
        "country": [],
        "parent": [chain(Org.parent, Org.country), chain(Org.parent, Org.parent)],
    },
)

MEMBERS = Collection(
    type="membership",
    model=Ms,
    schema=MemberOut,
    filters={
        "member": Related(build=_member, ids="actor"),
        "role": Choice(column=Ms.role, choices=MEMBERSHIP_ROLES),
        "as_of": AsOf(since=Ms.since, until_end=Ms.until_end),
    },
    sorts={
        "id": by_column("id", Ms.id, "int"),
        "since": by_nullable("since", Ms.since, "date"),
    },
    default_sort=("id",),
    searchable=False,
)


def listing() -> Select[m.Organization]:
    return select(Org).options(selectinload(Org.country), selectinload(Org.parent))


def get(slug: str) -> m.Organization:
    stmt = (
        listing()
        .where(Org.slug == slug)
        .options(
            selectinload(Org.evidence_links),
            chain(Org.memberships, Ms.member_country),
            chain(Org.memberships, Ms.member_organization),
            chain(Org.memberships, Ms.evidence_links),
            chain(Org.member_of, Ms.organization),
            chain(Org.member_of, Ms.evidence_links),
        )
    )
    return one_or_404(stmt, "organization", slug)


def in_force(membership: m.Membership | m.Role, day: dt.date) -> bool:
    """The Python twin of the `as_of` filter, for nested lists in a detail response."""
    starts_ok = membership.since is None or membership.since <= day
    ends_ok = membership.until_end is None or membership.until_end >= day
    return starts_ok and ends_ok


def by_id(slug: str) -> m.Organization:
    return one_or_404(select(Org).where(Org.slug == slug), "organization", slug)


def members(org: m.Organization) -> Select[m.Membership]:
    return (
        select(Ms)
        .where(Ms.organization_id == org.id)
        .options(
            selectinload(Ms.member_country),
            selectinload(Ms.member_organization),
            selectinload(Ms.evidence_links),
        )
    )
