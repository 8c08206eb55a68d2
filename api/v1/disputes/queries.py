"""Dispute queries: the collection's filters, sort keys and eager loads."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

import models as m

from ...filters import Choice, Related, Text
from ...listing import Collection
from ...pagination import by_column
from ...queries import chain, one_or_404
from .schemas import CLAIMANT_ROLES, KINDS, STATUSES, DisputeOut

D, Cl = m.Dispute, m.DisputeClaimant

COLLECTION = Collection(
    type="dispute",
    model=D,
    geo=True,
    schema=DisputeOut,
    filters={
        "kind": Choice(column=D.kind, choices=KINDS),
        "status": Choice(column=D.status, choices=STATUSES),
        "name": Text(column=D.name, nullable=False),
        "area": Text(column=D.area),
        "claimant": Related(
            build=lambda v: Cl.country.has(m.Country.iso2.in_(v)),
            ids="country",
            ops=frozenset({"eq", "in"}),
            group="claimant",
        ),
        "claimant_role": Choice(
            column=Cl.role, choices=CLAIMANT_ROLES, ops=frozenset({"eq", "in"}), group="claimant"
        ),
        "feature": Text(column=m.DisputeFeature.name, ops=frozenset({"contains"}), group="feature"),
    },
    groups={"claimant": D.claimants, "feature": D.features},
    sorts={"id": by_column("id", D.slug), "name": by_column("name", D.name)},
    default_sort=("id",),
    expansions={"claimants": []},
)


def listing(*, country_id: int | None = None) -> Select[m.Dispute]:
    stmt = select(D).options(chain(D.claimants, Cl.country))
    if country_id is not None:
        stmt = stmt.where(D.claimants.any(Cl.country_id == country_id))
    return stmt


def get(slug: str) -> m.Dispute:
    stmt = (
        listing()
        .where(D.slug == slug)
        .options(
            selectinload(D.evidence_links),
            chain(D.claimants, Cl.evidence_links),
            chain(D.features, m.DisputeFeature.evidence_links),
        )
    )
    return one_or_404(stmt, "dispute", slug)


def by_id(slug: str) -> m.Dispute:
    return one_or_404(select(D).where(D.slug == slug), "dispute", slug)
