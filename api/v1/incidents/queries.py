"""Incident queries."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

import models as m

from ...pagination import SortKey
from ...queries import chain, one_or_404

ORDER = [SortKey(m.Incident.slug)]
Inc, A = m.Incident, m.IncidentActor


def listing(
    *,
    country_id: int | None = None,
    organization_id: int | None = None,
    dispute_id: int | None = None,
) -> Select[m.Incident]:
    stmt = select(Inc).options(
        selectinload(Inc.dispute), chain(Inc.actors, A.country), chain(Inc.actors, A.organization)
    )
    if country_id is not None:
        stmt = stmt.where(Inc.actors.any(A.country_id == country_id))
    if organization_id is not None:
        stmt = stmt.where(Inc.actors.any(A.organization_id == organization_id))
    if dispute_id is not None:
        stmt = stmt.where(Inc.dispute_id == dispute_id)
    return stmt


def get(slug: str) -> m.Incident:
    stmt = (
        listing()
        .where(Inc.slug == slug)
        .options(
            selectinload(Inc.evidence_links),
            chain(Inc.actors, A.evidence_links),
            chain(Inc.accounts, m.IncidentAccount.country),
            chain(Inc.accounts, m.IncidentAccount.evidence_links),
        )
    )
    return one_or_404(stmt, "incident", slug)
