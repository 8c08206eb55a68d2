"""Meeting queries: the collection's filters, sort keys and eager loads."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import selectinload

import models as m

from ... import rows
from ...filters import Choice, PartialDate, Related, Text, split_ids
from ...listing import Collection
from ...pagination import by_column, by_nullable
from ...queries import actor_keys, chain, few_or_any, one_or_404
from .schemas import ATTENDANCE, KINDS, PARTICIPANT_ROLES, MeetingOut

P = m.MeetingParticipant


def _participant(values: list[str]) -> ColumnElement[bool]:
    codes, slugs = split_ids(values)
    return or_(
        P.country.has(m.Country.iso2.in_(codes)),
        P.organization.has(m.Organization.slug.in_(slugs)),
        P.person.has(m.Person.slug.in_(slugs)),
    )


def _participant_by_key(values: list[str]) -> ColumnElement[bool]:
    return actor_keys(values, P.country_id, P.organization_id, P.person_id)


# What a summary reads besides the meeting's own columns (api/rows.py) ...
SUMMARY: rows.Spec = {"country": {}, "host_country": {}, "parent": {}}
# ... and the detail, with the evidence of every nested row.
DETAIL: rows.Spec = {
    **SUMMARY,
    "participants": {"country": {}, "organization": {}, "person": {}, "evidence_links": {}},
    "outcomes": {"evidence_links": {}},
    "evidence_links": {},
}

COLLECTION = Collection(
    type="meeting",
    model=m.Meeting,
    geo=True,
    schema=MeetingOut,
    filters={
        "kind": Choice(column=m.Meeting.kind, choices=KINDS),
        "title": Text(column=m.Meeting.title, nullable=False),
        "city": Text(column=m.Meeting.city),
        "country": Related(
            build=lambda v: m.Meeting.country.has(m.Country.iso2.in_(v)), ids="country"
        ),
        "host_country": Related(
            build=lambda v: m.Meeting.host_country.has(m.Country.iso2.in_(v)), ids="country"
        ),
        "start_date": PartialDate(start=m.Meeting.start_date, end=m.Meeting.start_date_end),
        "parent": Related(build=lambda v: m.Meeting.parent.has(m.Meeting.slug.in_(v))),
        # These three describe the same participant row when combined.
        "participant": Related(
            build=_participant,
            by_key=_participant_by_key,
            ids="actor",
            ops=frozenset({"eq", "in"}),
            group="participant",
        ),
        "attendance": Choice(
            column=P.attendance,
            choices=ATTENDANCE,
            ops=frozenset({"eq", "in"}),
            group="participant",
        ),
        "participant_role": Choice(
            column=P.role,
            choices=PARTICIPANT_ROLES,
            ops=frozenset({"eq", "in"}),
            group="participant",
        ),
    },
    groups={"participant": m.Meeting.participants},
    sorts={
        "id": by_column("id", m.Meeting.slug),
        "start_date": by_nullable("start_date", m.Meeting.start_date, "date"),
        "title": by_column("title", m.Meeting.title),
        "kind": by_column("kind", m.Meeting.kind),
    },
    default_sort=("id",),
    load=(
        selectinload(m.Meeting.country),
        selectinload(m.Meeting.host_country),
        selectinload(m.Meeting.parent),
    ),
    rows=SUMMARY,
    reads={"country": ("country",), "host_country": ("host_country",), "parent": ("parent",)},
    expansions={
        "country": [],
        "host_country": [],
        "parent": [
            chain(m.Meeting.parent, m.Meeting.country),
            chain(m.Meeting.parent, m.Meeting.host_country),
            chain(m.Meeting.parent, m.Meeting.parent),
        ],
    },
)


def listing(
    *,
    country_id: int | None = None,
    organization_id: int | None = None,
    person_id: int | None = None,
) -> Select[m.Meeting]:
    stmt = select(m.Meeting)
    for column, value in (
        (P.country_id, country_id),
        (P.organization_id, organization_id),
        (P.person_id, person_id),
    ):
        if value is not None:
            condition = [column == value]
            key = (column.key, value)
            stmt = stmt.where(few_or_any(m.Meeting.participants, condition, condition, key))
    return stmt


def get(slug: str) -> Any:
    """One meeting with everything its detail shows (plain rows, or ORM objects)."""
    if current_app.config["PLAIN_READS"]:
        return rows.one(m.Meeting, DETAIL, "meeting", slug)
    stmt = (
        listing()
        .where(m.Meeting.slug == slug)
        .options(
            *COLLECTION.load,
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
