"""Meeting queries."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

import models as m

from ...pagination import SortKey
from ...queries import chain, one_or_404

ORDER = [SortKey(m.Meeting.slug)]
P = m.MeetingParticipant


def listing(
    *,
    country_id: int | None = None,
    organization_id: int | None = None,
    person_id: int | None = None,
) -> Select[m.Meeting]:
    stmt = select(m.Meeting).options(
        selectinload(m.Meeting.country),
        selectinload(m.Meeting.host_country),
        selectinload(m.Meeting.parent),
    )
    if country_id is not None:
        stmt = stmt.where(m.Meeting.participants.any(P.country_id == country_id))
    if organization_id is not None:
        stmt = stmt.where(m.Meeting.participants.any(P.organization_id == organization_id))
    if person_id is not None:
        stmt = stmt.where(m.Meeting.participants.any(P.person_id == person_id))
    return stmt


def get(slug: str) -> m.Meeting:
    stmt = (
        listing()
        .where(m.Meeting.slug == slug)
        .options(
            selectinload(m.Meeting.evidence_links),
            chain(m.Meeting.participants, P.country),
            chain(m.Meeting.participants, P.organization),
            chain(m.Meeting.participants, P.person),
            chain(m.Meeting.participants, P.evidence_links),
            chain(m.Meeting.outcomes, m.MeetingOutcome.evidence_links),
        )
    )
    return one_or_404(stmt, "meeting", slug)


def by_id(slug: str) -> m.Meeting:
    return one_or_404(select(m.Meeting).where(m.Meeting.slug == slug), "meeting", slug)
