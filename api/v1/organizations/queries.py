"""Organization queries."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

import models as m

from ...pagination import SortKey
from ...queries import chain, one_or_404

ORDER = [SortKey(m.Organization.slug)]
MEMBER_ORDER = [SortKey(m.Membership.id)]


def listing() -> Select[m.Organization]:
    return select(m.Organization).options(
        selectinload(m.Organization.country), selectinload(m.Organization.parent)
    )


def get(slug: str) -> m.Organization:
    M = m.Membership
    stmt = (
        listing()
        .where(m.Organization.slug == slug)
        .options(
            selectinload(m.Organization.evidence_links),
            chain(m.Organization.memberships, M.member_country),
            chain(m.Organization.memberships, M.member_organization),
            chain(m.Organization.memberships, M.evidence_links),
            chain(m.Organization.member_of, M.organization),
            chain(m.Organization.member_of, M.evidence_links),
        )
    )
    return one_or_404(stmt, "organization", slug)


def by_id(slug: str) -> m.Organization:
    return one_or_404(
        select(m.Organization).where(m.Organization.slug == slug), "organization", slug
    )


def members(org: m.Organization) -> Select[m.Membership]:
    return (
        select(m.Membership)
        .where(m.Membership.organization_id == org.id)
        .options(
            selectinload(m.Membership.member_country),
            selectinload(m.Membership.member_organization),
            selectinload(m.Membership.evidence_links),
        )
    )
