"""The timeline: dated meetings, commitments and incidents as one ordered list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, literal, select, union_all

import models as m

from ...filters import PartialDate
from ...pagination import SortKey

TYPES = ("meeting", "commitment", "incident")


def _part(
    type_: str,
    model: Any,
    name: Any,
    start: Any,
    end: Any,
    precision: Any,
    stated: Any,
    country: ColumnElement[bool] | None,
) -> Select[Any]:
    stmt = select(
        literal(type_).label("type"),
        model.slug.label("slug"),
        name.label("name"),
        start.label("date"),
        end.label("date_end"),
        precision.label("date_precision"),
        stated.label("date_as_stated"),
    ).where(start.is_not(None))
    return stmt if country is None else stmt.where(country)


def entries(country: str | None, types: list[str]) -> Subquery:
    """Every dated fact, optionally only those a country took part in."""

    def involving(rel: Any, row: Any) -> ColumnElement[bool] | None:
        return None if country is None else rel.any(row.country.has(m.Country.iso2 == country))

    Mt, C, Inc = m.Meeting, m.Commitment, m.Incident
    parts = {
        "meeting": _part(
            "meeting",
            Mt,
            Mt.title,
            Mt.start_date,
            Mt.start_date_end,
            Mt.start_date_precision,
            Mt.start_date_as_stated,
            involving(Mt.participants, m.MeetingParticipant),
        ),
        "commitment": _part(
            "commitment",
            C,
            C.title,
            C.made_on,
            C.made_on_end,
            C.made_on_precision,
            C.made_on_as_stated,
            involving(C.parties, m.CommitmentParty),
        ),
        "incident": _part(
            "incident",
            Inc,
            Inc.title,
            Inc.occurred_on,
            Inc.occurred_on_end,
            Inc.occurred_on_precision,
            Inc.occurred_on_as_stated,
            involving(Inc.actors, m.IncidentActor),
        ),
    }
    return union_all(*(parts[t] for t in types)).subquery("timeline")


def period(timeline: Subquery, start: str | None, end: str | None) -> list[ColumnElement[bool]]:
    """Entries that may fall inside [from, to]: partial dates compare as intervals."""
    dates = PartialDate(start=timeline.c.date, end=timeline.c.date_end)
    clauses = []
    if start is not None:
        clauses.append(dates.where("gte", start))
    if end is not None:
        clauses.append(dates.where("lte", end))
    return clauses


def order(timeline: Subquery, descending: bool) -> list[SortKey]:
    keys = [
        SortKey("date", timeline.c.date, lambda r: r.date, "date"),
        SortKey("type", timeline.c.type, lambda r: r.type),
        SortKey("id", timeline.c.slug, lambda r: r.slug),
    ]
    return [k.reverse() for k in keys] if descending else keys
