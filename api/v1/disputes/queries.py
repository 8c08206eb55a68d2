"""Dispute queries."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

import models as m

from ...pagination import SortKey
from ...queries import chain, one_or_404

ORDER = [SortKey(m.Dispute.slug)]
D = m.Dispute


def listing(*, country_id: int | None = None) -> Select[m.Dispute]:
    stmt = select(D).options(chain(D.claimants, m.DisputeClaimant.country))
    if country_id is not None:
        stmt = stmt.where(D.claimants.any(m.DisputeClaimant.country_id == country_id))
    return stmt


def get(slug: str) -> m.Dispute:
    stmt = (
        listing()
        .where(D.slug == slug)
        .options(
            selectinload(D.evidence_links),
            chain(D.claimants, m.DisputeClaimant.evidence_links),
            chain(D.features, m.DisputeFeature.evidence_links),
        )
    )
    return one_or_404(stmt, "dispute", slug)


def by_id(slug: str) -> m.Dispute:
    return one_or_404(select(D).where(D.slug == slug), "dispute", slug)
