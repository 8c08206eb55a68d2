"""Commitment queries."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

import models as m

from ...pagination import SortKey
from ...queries import chain, one_or_404

ORDER = [SortKey(m.Commitment.slug)]
C, P = m.Commitment, m.CommitmentParty


def listing(
    *,
    country_id: int | None = None,
    organization_id: int | None = None,
    person_id: int | None = None,
    meeting_id: int | None = None,
) -> Select[m.Commitment]:
    stmt = select(C).options(
        selectinload(C.meeting),
        selectinload(C.made_by),
        chain(C.parties, P.country),
        chain(C.parties, P.organization),
        selectinload(C.amounts),
    )
    if country_id is not None:
        stmt = stmt.where(C.parties.any(P.country_id == country_id))
    if organization_id is not None:
        stmt = stmt.where(C.parties.any(P.organization_id == organization_id))
    if person_id is not None:
        stmt = stmt.where(C.made_by_id == person_id)
    if meeting_id is not None:
        stmt = stmt.where(C.meeting_id == meeting_id)
    return stmt


def get(slug: str) -> m.Commitment:
    stmt = (
        listing()
        .where(C.slug == slug)
        .options(
            selectinload(C.evidence_links),
            chain(C.parties, P.evidence_links),
            chain(C.amounts, m.CommitmentAmount.evidence_links),
            chain(C.items, m.CommitmentItem.evidence_links),
            chain(C.status_events, m.CommitmentStatusEvent.evidence_links),
        )
    )
    return one_or_404(stmt, "commitment", slug)
