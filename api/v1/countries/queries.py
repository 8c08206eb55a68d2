"""Country queries: ISO reference rows and what links to them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

import models as m

from ...pagination import SortKey
from ...queries import chain, one_or_404

ORDER = [SortKey(m.Country.iso2)]
MEMBERSHIP_ORDER = [SortKey(m.Membership.id)]


def listing() -> Select[m.Country]:
    return select(m.Country)


def get(code: str) -> m.Country:
    stmt = (
        select(m.Country)
        .where(m.Country.iso2 == func.upper(code))
        .options(
            selectinload(m.Country.evidence_links),
            chain(m.Country.memberships, m.Membership.organization),
            chain(m.Country.memberships, m.Membership.evidence_links),
        )
    )
    return one_or_404(stmt, "country", code.upper())


def memberships(country: m.Country) -> Select[m.Membership]:
    return (
        select(m.Membership)
        .where(m.Membership.member_country_id == country.id)
        .options(selectinload(m.Membership.organization), selectinload(m.Membership.evidence_links))
    )


def by_id(code: str) -> Any:
    """Resolve a country for a nested route without loading its relations."""
    return one_or_404(
        select(m.Country).where(m.Country.iso2 == func.upper(code)), "country", code.upper()
    )
