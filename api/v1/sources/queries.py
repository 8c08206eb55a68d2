"""Source queries."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

import models as m

from ...filters import Choice, Text
from ...listing import Collection
from ...pagination import by_column
from ...queries import one_or_404
from .schemas import KINDS, SourceOut

S = m.Source

COLLECTION = Collection(
    type="source",
    model=S,
    schema=SourceOut,
    filters={
        "kind": Choice(column=S.kind, choices=KINDS),
        "title": Text(column=S.title, nullable=False),
        "publisher": Text(column=S.publisher),
    },
    sorts={"id": by_column("id", S.slug), "title": by_column("title", S.title)},
    default_sort=("id",),
)


def listing() -> Select[m.Source]:
    return select(S)


def get(slug: str) -> m.Source:
    stmt = select(S).where(S.slug == slug).options(selectinload(S.evidence))
    return one_or_404(stmt, "source", slug)
