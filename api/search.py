"""Full-text search behind one interface: SQLite FTS5 or PostgreSQL tsvector.

Each resource has one search document (names, summary, nested names and every evidence
quote of the resource and its nested rows). `matches()` returns a subquery of
(subject_id, rank) for one resource type, higher rank = better match.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Double,
    Integer,
    Select,
    String,
    Subquery,
    false,
    func,
    literal,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Session

import models as m

WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 16

# How each fact row's evidence rolls up to the resource whose document it joins.
PARENTS: dict[str, tuple[type[Any], str, str]] = {
    "membership": (m.Membership, "organization", "organization_id"),
    "role": (m.Role, "person", "person_id"),
    "meeting_participant": (m.MeetingParticipant, "meeting", "meeting_id"),
    "meeting_outcome": (m.MeetingOutcome, "meeting", "meeting_id"),
    "commitment_party": (m.CommitmentParty, "commitment", "commitment_id"),
    "commitment_item": (m.CommitmentItem, "commitment", "commitment_id"),
    "commitment_amount": (m.CommitmentAmount, "commitment", "commitment_id"),
    "commitment_status_event": (m.CommitmentStatusEvent, "commitment", "commitment_id"),
    "dispute_claimant": (m.DisputeClaimant, "dispute", "dispute_id"),
    "dispute_feature": (m.DisputeFeature, "dispute", "dispute_id"),
    "incident_actor": (m.IncidentActor, "incident", "incident_id"),
    "incident_account": (m.IncidentAccount, "incident", "incident_id"),
}

# The text each resource contributes besides its evidence quotes.
TEXTS: dict[str, tuple[type[Any], Callable[[Any], Iterable[str | None]]]] = {
    "country": (m.Country, lambda c: [c.name, c.official_name, c.iso2, c.iso3]),
    "organization": (
        m.Organization,
        lambda o: [o.name, o.short_name, o.description, *o.aliases],
    ),
    "person": (m.Person, lambda p: [p.name, p.description, *(r.office for r in p.roles)]),
    "meeting": (
        m.Meeting,
        lambda x: (
            [x.title, x.summary, x.city, x.occasion]
            + [t for o in x.outcomes for t in (o.title, o.summary)]
        ),
    ),
    "commitment": (
        m.Commitment,
        lambda c: [c.title, c.summary, c.kind, c.domain, *(i.description for i in c.items)],
    ),
    "dispute": (
        m.Dispute,
        lambda d: [d.name, d.area, d.summary, *d.aliases, *(f.name for f in d.features)],
    ),
    "incident": (m.Incident, lambda i: [i.title, i.summary, i.place, i.casualty_note, i.kind]),
    "source": (m.Source, lambda s: [s.title, s.publisher, s.notes]),
}


def _quotes_by_subject(session: Session) -> dict[tuple[str, int], list[str]]:
    rows = session.execute(
        select(m.EvidenceLink.subject_type, m.EvidenceLink.subject_id, m.Evidence.quote)
        .join(m.Evidence, m.Evidence.id == m.EvidenceLink.evidence_id)
        .where(m.Evidence.quote.is_not(None))
    ).all()
    parent_of: dict[str, dict[int, int]] = {}
    for subject_type, (model, _parent, fk) in PARENTS.items():
        parent_of[subject_type] = dict(
            (row[0], row[1]) for row in session.execute(select(model.id, getattr(model, fk)))
        )
    out: dict[tuple[str, int], list[str]] = defaultdict(list)
    for subject_type, subject_id, quote in rows:
        key: tuple[str, int] = (subject_type, subject_id)
        if subject_type in PARENTS:
            parent_id = parent_of[subject_type].get(subject_id)
            if parent_id is None:
                continue
            key = (PARENTS[subject_type][1], parent_id)
        if quote is not None and quote not in out[key]:
            out[key].append(quote)
    return out


def document_bodies(session: Session) -> dict[tuple[str, int], str]:
    quotes = _quotes_by_subject(session)
    bodies: dict[tuple[str, int], str] = {}
    for subject_type, (model, texts) in TEXTS.items():
        for obj in session.scalars(select(model)):
            parts = [t for t in texts(obj) if t] + quotes.get((subject_type, obj.id), [])
            bodies[(subject_type, obj.id)] = "\n".join(parts)
    return bodies


def sync_documents(session: Session) -> None:
    """Make search_documents match the data (stable ids: update in place), then reindex."""
    wanted = document_bodies(session)
    for doc in session.scalars(select(m.SearchDocument)):
        body = wanted.pop((doc.subject_type, doc.subject_id), None)
        if body is None:
            session.delete(doc)
        elif doc.body != body:
            doc.body = body
    for (subject_type, subject_id), body in wanted.items():
        session.add(m.SearchDocument(subject_type=subject_type, subject_id=subject_id, body=body))
    session.flush()
    rebuild_index(session)


def rebuild_index(session: Session) -> None:
    """SQLite's external-content FTS5 table is rebuilt from search_documents."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))


def terms(q: str) -> list[str]:
    """The words of a query; operators and punctuation are ignored, never interpreted.
    A query of punctuation alone has no words (and matches nothing)."""
    return [w.lower() for w in WORD.findall(q)[:MAX_TERMS]]


def matches(
    dialect: str, subject_type: str | None, q: str, *, shared: bool = False
) -> Subquery | CTE:
    """(subject_type, subject_id, rank) of the documents matching every word of `q`; a
    common table expression when `shared` (read more than once by one statement)."""
    words = terms(q)
    doc = m.SearchDocument
    kind: Any = doc.subject_type
    rank: ColumnElement[Any]
    if not words:
        rank = literal(0.0, type_=Double).label("rank")
        stmt: Select[Any] = select(doc.subject_type, doc.subject_id, rank).where(false())
    elif dialect == "sqlite":
        expression = " ".join('"' + w.replace('"', "") + '"' for w in words)
        rank = (-func.bm25(literal_column("search_fts"))).label("rank")
        # Each match's subject from the index on (id, subject_type, subject_id), named
        # because SQLite's planner always prefers the row (which holds the body) by rowid.
        docs = text(
            f"search_fts JOIN search_documents AS docs INDEXED BY {m.search.SUBJECT_BY_ID} "
            "ON docs.id = search_fts.rowid"
        )
        kind = literal_column("docs.subject_type", String)
        stmt = (
            select(
                kind.label("subject_type"),
                literal_column("docs.subject_id", Integer).label("subject_id"),
                rank,
            )
            .select_from(docs)
            .where(literal_column("search_fts").op("MATCH")(expression))
        )
    else:
        # The stored generated column (migration 0004): to_tsvector('english', body)
        vector: ColumnElement[Any] = literal_column("search_documents.vector")
        query = func.plainto_tsquery(literal_column("'english'"), " ".join(words))
        rank = func.ts_rank(vector, query).label("rank")
        stmt = select(doc.subject_type, doc.subject_id, rank).where(vector.op("@@")(query))
    if subject_type is not None:
        stmt = stmt.where(kind == subject_type)
    return stmt.cte("matches") if shared else stmt.subquery("matches")
