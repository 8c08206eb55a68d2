"""Source queries."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

import models as m

from ...pagination import SortKey
from ...queries import one_or_404

ORDER = [SortKey(m.Source.slug)]


def listing() -> Select[m.Source]:
    return select(m.Source)


def get(slug: str) -> m.Source:
    stmt = select(m.Source).where(m.Source.slug == slug).options(selectinload(m.Source.evidence))
    return one_or_404(stmt, "source", slug)
