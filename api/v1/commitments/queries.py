"""Commitment queries: the collection's filters, sort keys and eager loads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import selectinload

import models as m

from ... import rows
from ...filters import Choice, Number, PartialDate, Related, Text, split_ids
from ...listing import Collection
from ...pagination import by_column, by_nullable
from ...queries import actor_keys, chain, few_or_any, one_or_404
from .schemas import DOMAINS, KINDS, STATUSES, CommitmentOut

C, P = m.Commitment, m.CommitmentParty


def _actor(values: list[str], *, by_key: bool) -> ColumnElement[bool]:
    """The party row names one of these actors. `by_key`: its actor key is among the actors'
    ids (read from the party indexes on the actor keys; only the branches the values need).
    Otherwise each party row's actor is looked up: the statement the walk below has always
    run, which PostgreSQL plans as a semi-join along the list's order with the actors'
    lookup hashed once. With the actors' ids in the statement instead, PostgreSQL knows
    how many parties a mid-size actor has and walks in parallel, slower on two cores
    (1M, first page: giver=SG 9.7 -> 24.1 ms, giver=DZ 28.6 -> 50.7 ms)."""
    if by_key:
        return actor_keys(values, P.country_id, P.organization_id)
    codes, slugs = split_ids(values)
    return or_(
        P.country.has(m.Country.iso2.in_(codes)),
        P.organization.has(m.Organization.slug.in_(slugs)),
    )


def _parties(
    side: str | None,
    by_key: ColumnElement[bool],
    condition: ColumnElement[bool],
    key: tuple[Any, ...],
) -> ColumnElement[bool]:
    """`commitment has a party row matching condition` (on `side`; `by_key` the same
    condition on the party's own columns): by id when few, else EXISTS (few_or_any)."""
    sided = [P.side == side] if side is not None else []
    return few_or_any(C.parties, [*sided, condition], [*sided, by_key], ("party", side, *key))


def _party(side: str | None) -> Callable[[list[str]], ColumnElement[bool]]:
    def build(values: list[str]) -> ColumnElement[bool]:
        key = tuple(values)
        return _parties(side, _actor(values, by_key=True), _actor(values, by_key=False), key)

    return build


# What a summary reads besides the commitment's own columns (api/rows.py).
SUMMARY: rows.Spec = {
    "meeting": {},
    "made_by": {},
    "parties": {"country": {}, "organization": {}},
    "amounts": {},
}
# ... and the detail, with the evidence of every nested row.
DETAIL: rows.Spec = {
    **SUMMARY,
    "parties": {"country": {}, "organization": {}, "evidence_links": {}},
    "amounts": {"evidence_links": {}},
    "items": {"evidence_links": {}},
    "status_events": {"evidence_links": {}},
    "evidence_links": {},
}

MADE_ON = PartialDate(start=C.made_on, end=C.made_on_end)

COLLECTION = Collection(
    type="commitment",
    model=C,
    schema=CommitmentOut,
    filters={
        "kind": Choice(column=C.kind, choices=KINDS),
        "domain": Choice(column=C.domain, choices=DOMAINS),
        "status": Choice(column=C.status, choices=STATUSES),
        "title": Text(column=C.title, nullable=False),
        "made_on": MADE_ON,
        "announced": MADE_ON,  # the same date under the name analysts search for
        "horizon_months": Number(column=C.horizon_months),
        "giver": Related(build=_party("giver"), ids="actor"),
        "recipient": Related(build=_party("recipient"), ids="actor"),
        "party": Related(build=_party(None), ids="actor"),
        "meeting": Related(build=lambda v: C.meeting.has(m.Meeting.slug.in_(v))),
        "made_by": Related(build=lambda v: C.made_by.has(m.Person.slug.in_(v))),
        "currency": Related(
            build=lambda v: C.amounts.any(m.CommitmentAmount.currency.in_(v)), ids="currency"
        ),
    },
    sorts={
        "id": by_column("id", C.slug),
        "made_on": by_nullable("made_on", C.made_on, "date"),
        "title": by_column("title", C.title),
        "kind": by_column("kind", C.kind),
        "domain": by_column("domain", C.domain),
        "status": by_column("status", C.status),
    },
    default_sort=("id",),
    load=(
        selectinload(C.meeting),
        selectinload(C.made_by),
        chain(C.parties, P.country),
        chain(C.parties, P.organization),
        selectinload(C.amounts),
    ),
    rows=SUMMARY,
    reads={
        "meeting": ("meeting",),
        "made_by": ("made_by",),
        "parties": ("givers", "recipients"),
        "amounts": ("amounts",),
    },
    expansions={
        "givers": [],
        "recipients": [],
        "meeting": [
            chain(C.meeting, m.Meeting.country),
            chain(C.meeting, m.Meeting.host_country),
            chain(C.meeting, m.Meeting.parent),
        ],
        "made_by": [
            chain(C.made_by, m.Person.roles, m.Role.country),
            chain(C.made_by, m.Person.roles, m.Role.organization),
        ],
    },
)


def listing(
    *,
    country_id: int | None = None,
    organization_id: int | None = None,
    person_id: int | None = None,
    meeting_id: int | None = None,
) -> Select[m.Commitment]:
    stmt = select(C)
    if country_id is not None:
        country = P.country_id == country_id
        stmt = stmt.where(_parties(None, country, country, ("country", country_id)))
    if organization_id is not None:
        org = P.organization_id == organization_id
        stmt = stmt.where(_parties(None, org, org, ("organization", organization_id)))
    if person_id is not None:
        stmt = stmt.where(C.made_by_id == person_id)
    if meeting_id is not None:
        stmt = stmt.where(C.meeting_id == meeting_id)
    return stmt


def get(slug: str) -> Any:
    """One commitment with everything its detail shows (plain rows, or ORM objects)."""
    if current_app.config["PLAIN_READS"]:
        return rows.one(C, DETAIL, "commitment", slug)
    stmt = (
        listing()
        .where(C.slug == slug)
        .options(
            *COLLECTION.load,
            selectinload(C.evidence_links),
            chain(C.parties, P.evidence_links),
            chain(C.amounts, m.CommitmentAmount.evidence_links),
            chain(C.items, m.CommitmentItem.evidence_links),
            chain(C.status_events, m.CommitmentStatusEvent.evidence_links),
        )
    )
    return one_or_404(stmt, "commitment", slug)
