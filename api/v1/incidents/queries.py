"""Incident queries: the collection's filters, sort keys and eager loads."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import selectinload

import models as m

from ... import rows
from ...filters import Choice, Flag, Number, PartialDate, Related, Text, split_ids
from ...listing import Collection
from ...pagination import by_column, by_nullable
from ...queries import actor_keys, chain, few_or_any, one_or_404
from .schemas import ACTOR_ROLES, KINDS, IncidentOut

Inc, A = m.Incident, m.IncidentActor


def _actor(values: list[str]) -> ColumnElement[bool]:
    codes, slugs = split_ids(values)
    return or_(
        A.country.has(m.Country.iso2.in_(codes)),
        A.organization.has(m.Organization.slug.in_(slugs)),
    )


def _actor_by_key(values: list[str]) -> ColumnElement[bool]:
    return actor_keys(values, A.country_id, A.organization_id)


# What a summary reads besides the incident's own columns (api/rows.py) ...
SUMMARY: rows.Spec = {"dispute": {}, "actors": {"country": {}, "organization": {}}}
# ... and the detail, with the evidence of every nested row.
DETAIL: rows.Spec = {
    **SUMMARY,
    "actors": {"country": {}, "organization": {}, "evidence_links": {}},
    "accounts": {"country": {}, "evidence_links": {}},
    "evidence_links": {},
}

COLLECTION = Collection(
    type="incident",
    model=Inc,
    geo=True,
    schema=IncidentOut,
    filters={
        "kind": Choice(column=Inc.kind, choices=KINDS),
        "title": Text(column=Inc.title, nullable=False),
        "place": Text(column=Inc.place),
        "occurred_on": PartialDate(start=Inc.occurred_on, end=Inc.occurred_on_end),
        "recurring": Flag(column=Inc.recurring),
        "injuries": Number(column=Inc.injuries),
        "deaths": Number(column=Inc.deaths),
        "dispute": Related(build=lambda v: Inc.dispute.has(m.Dispute.slug.in_(v))),
        "actor": Related(
            build=_actor,
            by_key=_actor_by_key,
            ids="actor",
            ops=frozenset({"eq", "in"}),
            group="actor",
        ),
        "actor_role": Choice(
            column=A.role, choices=ACTOR_ROLES, ops=frozenset({"eq", "in"}), group="actor"
        ),
    },
    groups={"actor": Inc.actors},
    sorts={
        "id": by_column("id", Inc.slug),
        "occurred_on": by_nullable("occurred_on", Inc.occurred_on, "date"),
        "title": by_column("title", Inc.title),
        "kind": by_column("kind", Inc.kind),
    },
    default_sort=("id",),
    load=(
        selectinload(Inc.dispute),
        chain(Inc.actors, A.country),
        chain(Inc.actors, A.organization),
    ),
    rows=SUMMARY,
    reads={"dispute": ("dispute",), "actors": ("actors",)},
    expansions={
        "dispute": [chain(Inc.dispute, m.Dispute.claimants, m.DisputeClaimant.country)],
        "actors": [],
    },
)


def listing(
    *,
    country_id: int | None = None,
    organization_id: int | None = None,
    dispute_id: int | None = None,
) -> Select[m.Incident]:
    stmt = select(Inc)
    for column, value in ((A.country_id, country_id), (A.organization_id, organization_id)):
        if value is not None:
            condition = [column == value]
            stmt = stmt.where(few_or_any(Inc.actors, condition, condition, (column.key, value)))
    if dispute_id is not None:
        stmt = stmt.where(Inc.dispute_id == dispute_id)
    return stmt


def get(slug: str) -> Any:
    """One incident with everything its detail shows (plain rows, or ORM objects)."""
    if current_app.config["PLAIN_READS"]:
        return rows.one(Inc, DETAIL, "incident", slug)
    stmt = (
        listing()
        .where(Inc.slug == slug)
        .options(
            *COLLECTION.load,
            selectinload(Inc.evidence_links),
            chain(Inc.actors, A.evidence_links),
            chain(Inc.accounts, m.IncidentAccount.country),
            chain(Inc.accounts, m.IncidentAccount.evidence_links),
        )
    )
    return one_or_404(stmt, "incident", slug)
