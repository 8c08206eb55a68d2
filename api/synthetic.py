"""Synthetic data at any scale, in the real schema: `regsec generate --commitments N`.

For benchmarks and scale tests. N commitments come with, in proportion, meetings (N/10) with
participants and outcomes, incidents (N/20) with actors and accounts, sources (N/1000),
organizations with memberships, people with roles, disputes with claimants, an evidence quote
for every fact and a link from every fact row (children included) to its evidence, the
search documents (what `api.search.document_bodies` builds for the same rows) and a
data-version bump. Relations are valid by construction; the data is skewed as real data is:
a few countries (Zipf over ISO 3166-1 from pycountry), a few outlets and domains carry most
facts; dates are partial (day, month, year, unknown) with `*_precision` and `*_end` set.

How it stays fast: rows are plain tuples, never ORM objects. Chunks of rows are built by
worker processes (each chunk from its own seeded random stream, so the output does not
depend on the number of workers) while this process writes the previous chunk. SQLite:
SQLAlchemy Core `insert()` run as one executemany per table and chunk, foreign keys
unchecked during the load (`--check` runs `PRAGMA foreign_key_check` after it),
`synchronous=OFF`, a rollback journal (WAL again after), a page cache that spills as it
goes (the kernel writes pages out during the load, not all at the commit), indexes
kept where rows arrive in key order (at 1M rows SQLite updates those faster than it
re-creates them) and built after the load where they are led by a date or a title, the
FTS5 index rebuilt once at the end. PostgreSQL: `COPY ... FROM STDIN`, in one transaction
that drops the secondary indexes, the unique and foreign-key constraints and the GIN search
index of the tables it fills and re-creates them afterwards (re-adding a constraint checks every
row); the search documents, whose tsvector PostgreSQL computes as they arrive, are copied
at the same time by a second session in a transaction of its own, committed right after
the first (as `pg_restore --jobs` loads in several sessions): a failure of either leaves
no row of the load. Evidence links of a fact's child rows (the quote of a commitment also
supports its parties, amounts, ...) are derived in SQL with `INSERT ... SELECT`, which the
database does faster than Python builds and sends them.

Synthetic rows have slugs starting `syn-`; the generator refuses to run when some exist
unless asked to replace them. Seed data in the same database is left alone.
"""

from __future__ import annotations

import bisect
import calendar
import contextlib
import datetime as dt
import hashlib
import itertools
import json
import multiprocessing
import queue
import random
import resource
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pycountry
from sqlalchemy import (
    Column,
    Connection,
    Constraint,
    Date,
    Engine,
    ForeignKeyConstraint,
    Index,
    UniqueConstraint,
    create_engine,
    func,
    insert,
    inspect,
    literal,
    null,
    select,
    text,
)
from sqlalchemy.orm import Session
from sqlalchemy.schema import AddConstraint, CreateIndex
from sqlalchemy.sql.visitors import iterate

import models as m

PREFIX = "syn-"
Row = tuple[Any, ...]
Batch = dict[str, list[Row]]
Echo = Callable[[str], None]
CHUNK = 10_000  # facts per unit of work (one worker task, one write per table)


class GenerateError(Exception):
    """The database cannot take synthetic data as asked; the message says why."""


# ---- the shape of the data ------------------------------------------------------------------

# Countries that carry most facts, most first; the other ISO countries follow in a seeded
# shuffle. Rank k (from 1) has weight 1 / k**ZIPF_S.
HEAD = (
    "JP US CN PH VN ID MY AU IN KR TH SG GB FR KH MM LA BN TL NZ DE CA RU TW PG FJ BD LK PK "
    "AE SA IT NL ES NO SE"
).split()
ZIPF_S = 1.1
CURRENCY = {"JP": "JPY", "US": "USD", "AU": "AUD", "KR": "KRW", "IN": "INR", "CN": "CNY"}
CURRENCY |= {"GB": "GBP", "FR": "EUR", "DE": "EUR", "IT": "EUR", "NL": "EUR", "ES": "EUR"}
CURRENCY |= {"CA": "CAD", "NZ": "NZD", "SG": "SGD"}

DOMAINS = {
    "maritime_security": 30,
    "defence": 20,
    "economic": 15,
    "energy": 10,
    "digital": 8,
    "security": 8,
    "supply_chains": 5,
    "rule_of_law": 4,
}
KINDS = {
    "equipment_transfer": 25,
    "financing": 20,
    "capacity_building": 15,
    "training": 12,
    "cooperation_agreement": 12,
    "security_assistance": 10,
    "policy_commitment": 6,
}
STATUSES = {"pledged": 40, "announced": 20, "agreed": 15, "signed": 12}
STATUSES |= {"delivered": 10, "cancelled": 3}
ITEMS = {
    "maritime_security": (
        "patrol vessels",
        "rescue boats",
        "coastal radar systems",
        "fast interceptor craft",
        "maritime domain awareness training",
    ),
    "defence": ("air surveillance radars", "transport aircraft", "military medical training"),
    "economic": ("infrastructure loans", "port upgrades", "development financing"),
    "energy": ("solar power plants", "grid interconnection", "LNG terminal financing"),
    "digital": ("submarine cable links", "cybersecurity training", "data centre equipment"),
    "security": ("counter-terrorism training", "disaster relief equipment"),
    "supply_chains": ("critical minerals processing", "logistics hubs"),
    "rule_of_law": ("judicial training", "legal capacity building"),
}
PLACES = (
    "Sulu Sea",
    "Malacca Strait",
    "South China Sea",
    "Mekong basin",
    "Andaman Sea",
    "Celebes Sea",
    "Gulf of Thailand",
    "Java Sea",
    "Timor Sea",
    "Luzon Strait",
    "Spratly Islands",
    "Paracel Islands",
    "Natuna Islands",
    "Bay of Bengal",
    "Lombok Strait",
    "Sunda Strait",
)
VERBS = ("pledges", "offers", "agrees to provide", "announces", "commits")
OUTLETS = (
    "Kyodo News",
    "Nikkei Asia",
    "The Japan Times",
    "Reuters",
    "Associated Press",
    "The Straits Times",
    "Inquirer",
    "VnExpress",
    "Jakarta Post",
    "Bangkok Post",
    "The Star",
    "Khmer Times",
)
OFFICES = ("Prime Minister", "Minister for Foreign Affairs", "Minister of Defence", "President")
GIVEN = "Aiko Ben Chen Dara Eko Farah Hiro Imelda Joko Kenji Lan Mei Nguyen Rina Sok Tan".split()
FAMILY = "Abe Bautista Cruz Hayashi Ito Kim Le Lim Ong Pham Santos Sato Suzuki Tanaka Wong".split()
AS_STATED = ("Sunday", "last week", "a month ago", "earlier this year", "on Saturday")
INCIDENT_KINDS = ("collision", "water_cannon", "eviction_attempt", "harassment")
MEETING_KINDS = ("summit", "ministerial", "bilateral", "talks")
ORG_KINDS = ("regional_grouping", "coast_guard", "ministry", "intergovernmental_organization")


@dataclass(frozen=True)
class Sizes:
    """How many rows of each kind N commitments come with."""

    commitments: int

    @property
    def meetings(self) -> int:
        return max(1, self.commitments // 10)

    @property
    def incidents(self) -> int:
        return max(1, self.commitments // 20)

    @property
    def sources(self) -> int:
        return max(5, self.commitments // 1000)

    @property
    def organizations(self) -> int:
        return 12 + self.commitments // 20_000

    @property
    def people(self) -> int:
        return 40 + self.commitments // 2_000

    @property
    def disputes(self) -> int:
        return 3 + self.commitments // 100_000


# ---- the columns each row tuple fills, in order ---------------------------------------------
# Tables in write order. Rows of the small tables and of the facts carry their ids (other rows
# and the evidence links refer to them); child rows, links and documents take the next id.

COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(columns.split())
    for name, columns in {
        "countries": "id iso2 iso3 numeric name official_name",
        "sources": "id slug kind title publisher published_on published_on_precision url "
        "language notes",
        "organizations": "id slug name short_name kind aliases country_id description",
        "memberships": "id organization_id member_country_id role since since_precision "
        "until_precision",
        "people": "id slug name description",
        "roles": "id person_id office country_id since since_precision until until_precision "
        "until_end",
        "disputes": "id slug kind name aliases area status summary",
        "dispute_claimants": "id dispute_id country_id role claim",
        "meetings": "id slug kind title summary start_date start_date_precision "
        "start_date_as_stated start_date_end end_date end_date_precision city country_id "
        "host_country_id parent_id occasion",
        "meeting_participants": "meeting_id country_id organization_id person_id role attendance",
        "meeting_outcomes": "meeting_id kind title summary",
        "commitments": "id slug title summary kind domain status made_on made_on_precision "
        "made_on_as_stated made_on_end horizon_months horizon_as_stated meeting_id made_by_id",
        "commitment_parties": "commitment_id side country_id organization_id scope",
        "commitment_amounts": "commitment_id amount currency basis approximate",
        "commitment_items": "commitment_id description quantity unit quantity_status",
        "commitment_status_events": "commitment_id status date date_precision note",
        "incidents": "id slug kind title summary occurred_on occurred_on_precision "
        "occurred_on_end recurring place dispute_id deaths injuries geometry",
        "incident_actors": "incident_id country_id role description",
        "incident_accounts": "incident_id country_id account",
        "evidence": "id source_id quote quote_key paragraph",
        "evidence_links": "evidence_id subject_type subject_id supports note",
        "search_documents": "subject_type subject_id body",
    }.items()
}

# A fact's evidence also supports its child rows: (subject type, table, column naming the fact).
SHARED_EVIDENCE: dict[str, tuple[tuple[str, str, str], ...]] = {
    "meetings": (
        ("meeting", "meetings", "id"),
        ("meeting_participant", "meeting_participants", "meeting_id"),
        ("meeting_outcome", "meeting_outcomes", "meeting_id"),
    ),
    "commitments": (
        ("commitment", "commitments", "id"),
        ("commitment_party", "commitment_parties", "commitment_id"),
        ("commitment_amount", "commitment_amounts", "commitment_id"),
        ("commitment_item", "commitment_items", "commitment_id"),
        ("commitment_status_event", "commitment_status_events", "commitment_id"),
    ),
    "incidents": (
        ("incident", "incidents", "id"),
        ("incident_actor", "incident_actors", "incident_id"),
        ("incident_account", "incident_accounts", "incident_id"),
    ),
}

# Synthetic rows hang off these slugged tables (children by foreign key).
SLUGGED: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "commitments": (
        "commitment",
        (
            ("commitment_parties", "commitment_id"),
            ("commitment_amounts", "commitment_id"),
            ("commitment_items", "commitment_id"),
            ("commitment_status_events", "commitment_id"),
        ),
    ),
    "meetings": (
        "meeting",
        (("meeting_participants", "meeting_id"), ("meeting_outcomes", "meeting_id")),
    ),
    "incidents": (
        "incident",
        (("incident_actors", "incident_id"), ("incident_accounts", "incident_id")),
    ),
    "organizations": ("organization", (("memberships", "organization_id"),)),
    "people": ("person", (("roles", "person_id"),)),
    "disputes": ("dispute", (("dispute_claimants", "dispute_id"),)),
    "sources": ("source", (("evidence", "source_id"),)),
}


def quote_key(quote: str | None) -> str:
    """The key the seed loader stores for a quote (api/seeding.py)."""
    return hashlib.sha256(" ".join((quote or "").split()).encode()).hexdigest()


def document(subject_type: str, subject_id: int, parts: Iterable[str | None]) -> Row:
    """A search_documents row: the body api.search.document_bodies builds (texts, quotes)."""
    return (subject_type, subject_id, "\n".join(p for p in parts if p))


# ---- partial dates --------------------------------------------------------------------------

FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)
SPAN = (LAST_DAY - FIRST_DAY).days + 1
DAYS = [FIRST_DAY + dt.timedelta(days=i) for i in range(SPAN)]
# Linearly more facts per day towards the present: the record grows over time.
DAY_CUM = list(itertools.accumulate(1.0 + 3.0 * i / SPAN for i in range(SPAN)))
PartialDate = tuple[str | None, str, str | None]  # start, precision, end (ISO strings)


def at(day: dt.date, precision: str) -> PartialDate:
    """A day as a partial date of `precision`: (first day, precision, last day)."""
    if precision == "day":
        iso = day.isoformat()
        return iso, "day", iso
    if precision == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return f"{day.year:04d}-{day.month:02d}-01", "month", day.replace(day=last).isoformat()
    if precision == "year":
        return f"{day.year:04d}-01-01", "year", f"{day.year:04d}-12-31"
    return None, "unknown", None


def partial(
    rng: random.Random, weights: tuple[float, float, float] = (0.7, 0.2, 0.07)
) -> PartialDate:
    """A random day at a random precision: day, month, year (by `weights`) or unknown."""
    day = DAYS[bisect.bisect(DAY_CUM, rng.random() * DAY_CUM[-1])]
    r = rng.random()
    for name, weight in zip(("day", "month", "year"), weights, strict=True):
        if r < weight:
            return at(day, name)
        r -= weight
    return None, "unknown", None


# ---- what every chunk needs: built once, read by the workers -------------------------------


@dataclass(frozen=True)
class Country:
    id: int
    iso2: str
    name: str


@dataclass
class Context:
    """The reference rows and id ranges every chunk builds on (inherited by workers)."""

    seed: int
    sizes: Sizes
    countries: list[Country] = field(default_factory=list)
    country_cum: list[float] = field(default_factory=list)
    news: list[int] = field(default_factory=list)
    news_cum: list[float] = field(default_factory=list)
    citations: list[int] = field(default_factory=list)  # evidence rows citing a reference
    orgs: list[int] = field(default_factory=list)
    groupings: list[int] = field(default_factory=list)
    people_by_country: dict[int, list[int]] = field(default_factory=dict)
    disputes: list[int] = field(default_factory=list)
    # Fact kind -> id of its first row, id of its first evidence row (one quote per fact).
    first_id: dict[str, int] = field(default_factory=dict)
    first_evidence: dict[str, int] = field(default_factory=dict)
    # Meetings as commitments see them: participating countries (host first) and date.
    meeting_parties: list[tuple[Country, ...]] = field(default_factory=list)
    meeting_dates: list[PartialDate] = field(default_factory=list)

    def rng(self, kind: str, chunk: int) -> random.Random:
        """The random stream of one chunk: the same whichever process builds it."""
        return random.Random(f"{self.seed}/{kind}/{chunk}")

    def country(self, rng: random.Random) -> Country:
        return self.countries[bisect.bisect(self.country_cum, rng.random() * self.country_cum[-1])]

    def other_country(self, rng: random.Random, *not_these: Country) -> Country:
        for _ in range(20):
            c = self.country(rng)
            if c not in not_these:
                return c
        return next(c for c in self.countries if c not in not_these)

    def news_source(self, rng: random.Random) -> int:
        """A few outlets carry most of the reporting (Zipf over sources)."""
        return self.news[bisect.bisect(self.news_cum, rng.random() * self.news_cum[-1])]


class Reference:
    """Builds the small tables (countries, sources, organizations, people, disputes) with
    explicit ids, and fills the Context with what the fact chunks need."""

    def __init__(self, conn: Connection, ctx: Context) -> None:
        self.conn = conn
        self.ctx = ctx
        self.rng = random.Random(f"{ctx.seed}/reference")
        self.batch: Batch = {t: [] for t in COLUMNS}
        self.next_id = {t: self._max_id(t) + 1 for t in COLUMNS if "id" in COLUMNS[t]}

    def _max_id(self, table: str) -> int:
        return int(self.conn.scalar(text(f"SELECT coalesce(max(id), 0) FROM {table}")) or 0)

    def id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def evidence(self, source_id: int, quote: str | None) -> int:
        ev = self.id("evidence")
        paragraph = None if quote is None else self.rng.randint(1, 30)
        self.batch["evidence"].append((ev, source_id, quote, quote_key(quote), paragraph))
        return ev

    def link(self, evidence_id: int, subject_type: str, subject_id: int) -> None:
        self.batch["evidence_links"].append((evidence_id, subject_type, subject_id, "fact", None))

    def build(self) -> Batch:
        self.countries()
        self.sources()
        self.organizations()
        self.people()
        self.disputes()
        # The facts' ids and their evidence ids, in blocks: fact i of a kind has id
        # first_id + i and its quote is evidence row first_evidence + i.
        sizes = self.ctx.sizes
        for kind, count in (
            ("meetings", sizes.meetings),
            ("commitments", sizes.commitments),
            ("incidents", sizes.incidents),
        ):
            self.ctx.first_id[kind] = self.next_id[kind]
            self.ctx.first_evidence[kind] = self.next_id["evidence"]
            self.next_id["evidence"] += count
        return self.batch

    def countries(self) -> None:
        """ISO 3166-1 from pycountry (as the seed loader does), inserted where missing."""
        existing: dict[str, int] = {
            iso2: cid for iso2, cid in self.conn.execute(select(m.Country.iso2, m.Country.id))
        }
        names: dict[str, str] = {}
        for entry in sorted(pycountry.countries, key=lambda e: e.alpha_2):
            name = getattr(entry, "common_name", None) or entry.name
            names[entry.alpha_2] = name
            if entry.alpha_2 in existing:
                continue
            cid = self.id("countries")
            official = getattr(entry, "official_name", None)
            row = (cid, entry.alpha_2, entry.alpha_3, entry.numeric, name, official)
            self.batch["countries"].append(row)
            parts = [name, official, entry.alpha_2, entry.alpha_3]
            self.batch["search_documents"].append(document("country", cid, parts))
            existing[entry.alpha_2] = cid
        rest = sorted(c for c in existing if c not in HEAD)
        self.rng.shuffle(rest)
        ranked = [c for c in HEAD if c in existing] + rest
        self.ctx.countries = [Country(existing[c], c, names.get(c, c)) for c in ranked]
        weights = (1.0 / (k + 1) ** ZIPF_S for k in range(len(ranked)))
        self.ctx.country_cum = list(itertools.accumulate(weights))

    def sources(self) -> None:
        references = []
        for i in range(1, self.ctx.sizes.sources + 1):
            sid = self.id("sources")
            slug = f"{PREFIX}source-{i:05d}"
            start, precision, _end = partial(self.rng, (0.6, 0.2, 0.1))
            notes = "Synthetic source for benchmarks."
            if i % 5 == 0:
                kind, title, publisher = "reference", f"Record of cooperation {i}", "MOFA"
                references.append(sid)
            else:
                outlet = self.rng.choice(OUTLETS)
                kind, title, publisher = "news_article", f"{outlet} report {i}", outlet
                self.ctx.news.append(sid)
            url = f"https://example.org/{slug}"
            row = (sid, slug, kind, title, publisher, start, precision, url, "en", notes)
            self.batch["sources"].append(row)
            self.batch["search_documents"].append(
                document("source", sid, [title, publisher, notes])
            )
        # A reference record is cited without a quote (one evidence row per source) to
        # resolve a fact's date, as the seeds do.
        self.ctx.citations = [self.evidence(sid, None) for sid in references]
        ranks = range(1, len(self.ctx.news) + 1)
        self.ctx.news_cum = list(itertools.accumulate(1.0 / k for k in ranks))

    def quote(self, subject_type: str, subject_id: int, quote: str) -> int:
        ev = self.evidence(self.ctx.news_source(self.rng), quote)
        self.link(ev, subject_type, subject_id)
        return ev

    def organizations(self) -> None:
        for i in range(1, self.ctx.sizes.organizations + 1):
            oid = self.id("organizations")
            kind = ORG_KINDS[i % len(ORG_KINDS)]
            home = self.ctx.country(self.rng)
            short: str | None = None
            country_id: int | None = home.id
            if kind == "regional_grouping":
                name, short, country_id = f"Regional Forum {i}", f"RF{i}", None
                self.ctx.groupings.append(oid)
            elif kind == "intergovernmental_organization":
                name, short, country_id = f"Maritime Cooperation Centre {i}", f"MCC{i}", None
            elif kind == "coast_guard":
                name = f"{home.name} Coast Guard {i}"
            else:
                name = f"{home.name} Ministry of Defence {i}"
            slug = f"{PREFIX}org-{i:04d}"
            description = f"Synthetic {kind.replace('_', ' ')} for benchmarks."
            row = (oid, slug, name, short, kind, "[]", country_id, description)
            self.batch["organizations"].append(row)
            self.ctx.orgs.append(oid)
            quote = f"{name} said it would deepen regional cooperation."
            ev = self.quote("organization", oid, quote)
            if kind == "regional_grouping":
                members: list[Country] = []
                for _ in range(self.rng.randint(4, 10)):
                    members.append(self.ctx.other_country(self.rng, *members))
                for member in members:
                    mid = self.id("memberships")
                    since = f"{self.rng.randint(1967, 2015):04d}-01-01"
                    membership = (mid, oid, member.id, "member", since, "year", "unknown")
                    self.batch["memberships"].append(membership)
                    self.link(ev, "membership", mid)
            parts = [name, short, description, quote]
            self.batch["search_documents"].append(document("organization", oid, parts))

    def people(self) -> None:
        for i in range(1, self.ctx.sizes.people + 1):
            pid = self.id("people")
            home = self.ctx.country(self.rng)
            name = f"{self.rng.choice(GIVEN)} {self.rng.choice(FAMILY)} {i}"
            slug = f"{PREFIX}person-{i:04d}"
            description = f"Synthetic official of {home.name}."
            self.batch["people"].append((pid, slug, name, description))
            self.ctx.people_by_country.setdefault(home.id, []).append(pid)
            office = self.rng.choice(OFFICES)
            quote = f"{office} {name} of {home.name} spoke to reporters."
            ev = self.quote("person", pid, quote)
            rid = self.id("roles")
            since = self.rng.randint(2000, 2022)
            until: PartialDate = (None, "unknown", None)
            if self.rng.random() < 0.5:
                until = at(dt.date(min(since + self.rng.randint(1, 6), 2025), 1, 1), "year")
            row = (rid, pid, office, home.id, f"{since:04d}-01-01", "year", *until[:2], until[2])
            self.batch["roles"].append(row)
            self.link(ev, "role", rid)
            parts = [name, description, office, quote]
            self.batch["search_documents"].append(document("person", pid, parts))

    def disputes(self) -> None:
        for i in range(1, self.ctx.sizes.disputes + 1):
            did = self.id("disputes")
            place = PLACES[i % len(PLACES)]
            name, summary = f"{place} dispute {i}", f"Overlapping claims in the {place}."
            slug = f"{PREFIX}dispute-{i:03d}"
            row = (did, slug, "maritime", name, "[]", place, "active", summary)
            self.batch["disputes"].append(row)
            self.ctx.disputes.append(did)
            quote = f"Claimants in the {place} traded protests over dispute {i}."
            ev = self.quote("dispute", did, quote)
            claimants: list[Country] = []
            for _ in range(self.rng.randint(2, 4)):
                claimants.append(self.ctx.other_country(self.rng, *claimants))
            for c in claimants:
                cid = self.id("dispute_claimants")
                claimant = (cid, did, c.id, "claimant", f"Claims the {place}")
                self.batch["dispute_claimants"].append(claimant)
                self.link(ev, "dispute_claimant", cid)
            parts = [name, place, summary, quote]
            self.batch["search_documents"].append(document("dispute", did, parts))


# ---- the facts, one chunk at a time ---------------------------------------------------------


def _fact_evidence(ctx: Context, rng: random.Random, kind: str, i: int, quote: str) -> Row:
    """The evidence row quoting fact i (0-based) of `kind`: its id is fixed by the block."""
    ev = ctx.first_evidence[kind] + i
    return (ev, ctx.news_source(rng), quote, quote_key(quote), rng.randint(1, 30))


def meetings_chunk(
    ctx: Context, chunk: int
) -> tuple[Batch, list[tuple[Country, ...]], list[PartialDate]]:
    """Meetings of one chunk, with the participants and dates commitments will refer to."""
    rng = ctx.rng("meetings", chunk)
    out: Batch = {t: [] for t in ("meetings", "meeting_participants", "meeting_outcomes")}
    out |= {"evidence": [], "search_documents": []}
    parties: list[tuple[Country, ...]] = []
    dates: list[PartialDate] = []
    first = chunk * CHUNK
    for i in range(first, min(first + CHUNK, ctx.sizes.meetings)):
        mid = ctx.first_id["meetings"] + i
        host = ctx.country(rng)
        guests = [host]
        for _ in range(rng.choice((1, 1, 2, 3, 5))):
            guests.append(ctx.other_country(rng, *guests))
        kind = "bilateral" if len(guests) == 2 else rng.choice(MEETING_KINDS)
        date = partial(rng, (0.85, 0.1, 0.04))
        end: tuple[str | None, str] = (None, "unknown")
        if kind == "summit" and date[0] is not None and date[1] == "day":
            last = dt.date.fromisoformat(date[0]) + dt.timedelta(days=rng.randint(1, 2))
            end = (last.isoformat(), "day")
        place = rng.choice(PLACES)
        n = i + 1
        title = f"{host.name}–{guests[1].name} {kind} on the {place} ({n})"
        summary = f"Leaders met to discuss security in the {place}."
        parent = (
            ctx.first_id["meetings"] + rng.randrange(i) if i > 10 and rng.random() < 0.05 else None
        )
        occasion = f"{place} series" if rng.random() < 0.2 else None
        as_stated = rng.choice(AS_STATED) if rng.random() < 0.05 else None
        city = f"{host.name} capital"
        out["meetings"].append(
            (mid, f"{PREFIX}meeting-{n:06d}", kind, title, summary, date[0], date[1], as_stated)
            + (date[2], *end, city, host.id, host.id, parent, occasion)
        )
        parties.append(tuple(guests))
        dates.append(date)
        quote = f"{host.name} hosted {guests[1].name} for meeting {n} on the {place}."
        out["evidence"].append(_fact_evidence(ctx, rng, "meetings", i, quote))
        for k, c in enumerate(guests):
            attendance = "absent" if k > 0 and rng.random() < 0.05 else "attended"
            role = "host" if k == 0 else "participant"
            out["meeting_participants"].append((mid, c.id, None, None, role, attendance))
        texts = [title, summary, city, occasion]
        if rng.random() < 0.3:
            o_title = f"Joint statement of meeting {n}"
            o_summary = f"Both sides vowed to keep the {place} open."
            out["meeting_outcomes"].append((mid, "joint_statement", o_title, o_summary))
            texts += [o_title, o_summary]
        out["search_documents"].append(document("meeting", mid, [*texts, quote]))
    return out, parties, dates


def commitments_chunk(ctx: Context, chunk: int) -> Batch:
    rng = ctx.rng("commitments", chunk)
    first = chunk * CHUNK
    count = min(CHUNK, ctx.sizes.commitments - first)
    commitments: list[Row] = []
    parties: list[Row] = []
    amounts: list[Row] = []
    items: list[Row] = []
    events: list[Row] = []
    evidence: list[Row] = []
    links: list[Row] = []
    documents: list[Row] = []
    domains = rng.choices(list(DOMAINS), list(DOMAINS.values()), k=count)
    kinds = rng.choices(list(KINDS), list(KINDS.values()), k=count)
    statuses = rng.choices(list(STATUSES), list(STATUSES.values()), k=count)
    n_meetings = ctx.sizes.meetings
    width = max(7, len(str(ctx.sizes.commitments)))
    random_ = rng.random
    for offset in range(count):
        i = first + offset
        n = i + 1
        cid = ctx.first_id["commitments"] + i
        domain, kind, status = domains[offset], kinds[offset], statuses[offset]
        meeting_id = None
        recipient: Country | None
        if random_() < 0.6:  # made at a meeting: by its host, to another participant
            k = rng.randrange(n_meetings)
            meeting_id = ctx.first_id["meetings"] + k
            guests = ctx.meeting_parties[k]
            giver, recipient = guests[0], guests[1]
            made_on = ctx.meeting_dates[k]
        else:
            giver = ctx.country(rng)
            recipient = ctx.other_country(rng, giver) if random_() < 0.9 else None
            made_on = partial(rng)
        item = rng.choice(ITEMS[domain])
        place = rng.choice(PLACES)
        to = f" for {recipient.name}" if recipient else ""
        title = f"{giver.name} {rng.choice(VERBS)} {item}{to} ({place})"
        summary = f"{giver.name} will provide {item} for the {place}." if n % 10 else None
        horizon = rng.choice((12, 24, 36, 60)) if random_() < 0.3 else None
        as_stated = rng.choice(AS_STATED) if random_() < 0.05 else None
        made_by = None
        if random_() < 0.4:
            speakers = ctx.people_by_country.get(giver.id)
            if speakers:
                made_by = speakers[rng.randrange(len(speakers))]
        r = recipient.iso2.lower() if recipient else "all"
        commitments.append(
            (cid, f"{PREFIX}{n:0{width}d}-{giver.iso2.lower()}-{r}", title, summary, kind, domain)
            + (status, made_on[0], made_on[1], as_stated, made_on[2], horizon)
            + (f"within {horizon} months" if horizon else None, meeting_id, made_by)
        )
        quote = f"Under pledge {n}, {giver.name} will provide {item}{to}."
        evidence.append(_fact_evidence(ctx, rng, "commitments", i, quote))
        if as_stated is not None or random_() < 0.1:  # a reference record resolves the date
            links.append(
                (ctx.citations[n % len(ctx.citations)], "commitment", cid, "made_on", None)
            )

        if random_() < 0.1:
            parties.append((cid, "giver", None, ctx.orgs[n % len(ctx.orgs)], "self"))
        else:
            parties.append((cid, "giver", giver.id, None, "self"))
            if random_() < 0.05:
                taken = (giver, recipient) if recipient else (giver,)
                parties.append((cid, "giver", ctx.other_country(rng, *taken).id, None, "self"))
        if recipient is not None:
            parties.append((cid, "recipient", recipient.id, None, "self"))
        else:
            grouping = ctx.groupings[n % len(ctx.groupings)]
            parties.append((cid, "recipient", None, grouping, "all_members"))

        if random_() < 0.55:
            currency = CURRENCY.get(giver.iso2, "USD")
            amount = int(10 ** rng.uniform(5, 10)) // 1000 * 1000
            amounts.append((cid, amount, currency, "stated", False))
            if currency != "USD" and random_() < 0.3:
                usd = max(1000, amount // 150 // 1000 * 1000)
                amounts.append((cid, usd, "USD", "reported_conversion", True))

        described = None
        if random_() < 0.5:
            described = item.capitalize()
            quantity = rng.randint(1, 20) if random_() < 0.5 else None
            if quantity is None:
                items.append((cid, described, None, None, "unspecified"))
            else:
                items.append((cid, described, quantity, "units", "exact"))

        first_status = "announced" if status == "announced" else "pledged"
        events.append((cid, first_status, made_on[0], made_on[1], None))
        if status != first_status:
            later = partial(rng, (0.3, 0.4, 0.2))
            events.append((cid, status, later[0], later[1], None))

        documents.append(
            document("commitment", cid, (title, summary, kind, domain, described, quote))
        )
    return {
        "commitments": commitments,
        "commitment_parties": parties,
        "commitment_amounts": amounts,
        "commitment_items": items,
        "commitment_status_events": events,
        "evidence": evidence,
        "evidence_links": links,
        "search_documents": documents,
    }


def incidents_chunk(ctx: Context, chunk: int) -> Batch:
    rng = ctx.rng("incidents", chunk)
    out: Batch = {t: [] for t in ("incidents", "incident_actors", "incident_accounts")}
    out |= {"evidence": [], "search_documents": []}
    first = chunk * CHUNK
    for i in range(first, min(first + CHUNK, ctx.sizes.incidents)):
        iid = ctx.first_id["incidents"] + i
        n = i + 1
        kind = INCIDENT_KINDS[rng.randrange(len(INCIDENT_KINDS))]
        initiator = ctx.country(rng)
        target = ctx.other_country(rng, initiator)
        place = rng.choice(PLACES)
        date = partial(rng, (0.8, 0.12, 0.06))
        title = f"{kind.replace('_', ' ').capitalize()} near the {place} ({n})"
        summary = f"{initiator.name} vessels confronted {target.name} vessels."
        dispute = rng.choice(ctx.disputes) if rng.random() < 0.7 else None
        deaths = 0 if rng.random() < 0.9 else rng.randint(1, 5)
        geometry = None
        if rng.random() < 0.5:
            point = [round(rng.uniform(95, 130), 4), round(rng.uniform(-10, 22), 4)]
            geometry = json.dumps({"type": "Point", "coordinates": point})
        out["incidents"].append(
            (iid, f"{PREFIX}incident-{n:06d}", kind, title, summary, date[0], date[1], date[2])
            + (rng.random() < 0.05, place, dispute, deaths, None, geometry)
        )
        quote = f"{target.name} protested incident {n} with {initiator.name} in the {place}."
        out["evidence"].append(_fact_evidence(ctx, rng, "incidents", i, quote))
        out["incident_actors"].append((iid, initiator.id, "initiator", None))
        out["incident_actors"].append((iid, target.id, "target", None))
        if rng.random() < 0.2:
            account = f"{initiator.name} said its vessels acted lawfully."
            out["incident_accounts"].append((iid, initiator.id, account))
        parts = [title, summary, place, None, kind, quote]
        out["search_documents"].append(document("incident", iid, parts))
    return out


# Worker processes read the context they were forked with.
_CONTEXT: Context | None = None


def _build(unit: tuple[str, int]) -> Any:
    kind, chunk = unit
    assert _CONTEXT is not None
    builder = {"meetings": meetings_chunk, "commitments": commitments_chunk}.get(
        kind, incidents_chunk
    )
    return builder(_CONTEXT, chunk)


def _units(kind: str, count: int) -> list[tuple[str, int]]:
    return [(kind, c) for c in range((count + CHUNK - 1) // CHUNK)]


def build_in_parallel(ctx: Context, units: list[tuple[str, int]], workers: int) -> Iterator[Any]:
    """The chunks of `units`, in order, built by `workers` forked processes (0: here)."""
    global _CONTEXT
    _CONTEXT = ctx
    try:
        if workers == 0 or len(units) < 2:
            yield from map(_build, units)
            return
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_build, units)
    finally:
        _CONTEXT = None


# ---- writers --------------------------------------------------------------------------------


class Writer:
    """Writes row batches into one table at a time and times each table."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.seconds: dict[str, float] = {}
        self.rows: dict[str, int] = {}
        self.steps: dict[str, float] = {}
        self.indexes: list[Index] = []
        self.replacing = False  # set by _load when earlier synthetic rows were removed

    def write(self, batch: Batch) -> None:
        for table in COLUMNS:
            rows = batch.get(table)
            if rows:
                started = time.perf_counter()
                self._write(table, COLUMNS[table], rows)
                self.seconds[table] = self.seconds.get(table, 0.0) + time.perf_counter() - started
                self.rows[table] = self.rows.get(table, 0) + len(rows)

    def _write(self, table: str, columns: tuple[str, ...], rows: list[Row]) -> None:
        raise NotImplementedError

    def derive_links(self, ctx: Context) -> None:
        """Link each fact and its child rows to the fact's quote, in SQL (INSERT ... SELECT)."""
        links = m.Base.metadata.tables["evidence_links"]
        md = m.Base.metadata.tables
        for kind, targets in SHARED_EVIDENCE.items():
            lo = ctx.first_id[kind]
            hi = lo + getattr(ctx.sizes, kind) - 1
            delta = ctx.first_evidence[kind] - lo
            for subject_type, table_name, column in targets:
                started = time.perf_counter()
                table = md[table_name]
                fact = table.c[column]
                rows = select(
                    (fact + delta).label("evidence_id"),
                    literal(subject_type).label("subject_type"),
                    table.c.id.label("subject_id"),
                    literal("fact").label("supports"),
                    null().label("note"),
                ).where(fact.between(lo, hi))
                columns = ["evidence_id", "subject_type", "subject_id", "supports", "note"]
                stmt = insert(links).from_select(columns, rows)
                result = self.conn.execute(stmt.execution_options(preserve_rowcount=True))
                key = "evidence_links (INSERT ... SELECT)"
                self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - started
                self.rows[key] = self.rows.get(key, 0) + result.rowcount

    def before(self) -> None:
        """Prepare the tables for the rows (drop what is faster built after them)."""
        raise NotImplementedError

    def rows_written(self) -> None:
        """Every batch has been written."""

    def committed(self) -> None:
        """The load's transaction committed."""

    def failed(self) -> None:
        """The load's transaction rolled back."""

    def after(self) -> None:
        """Re-create what `before` dropped; index the search documents."""
        started = time.perf_counter()
        for index in self.indexes:
            self.conn.execute(CreateIndex(index))
        self.steps["re-create indexes"] = time.perf_counter() - started


FTS_DEFAULT_HASHSIZE = 1 << 20  # SQLite's FTS5_DEFAULT_HASHSIZE
FTS_REBUILD_HASHSIZE = 64 << 20


class SQLiteWriter(Writer):
    """Core `insert()` statements run as executemany on the driver's cursor."""

    def __init__(self, conn: Connection) -> None:
        super().__init__(conn)
        self._sql: dict[str, str] = {}

    def _write(self, table: str, columns: tuple[str, ...], rows: list[Row]) -> None:
        sql = self._sql.get(table)
        if sql is None:
            stmt = insert(m.Base.metadata.tables[table]).values({c: None for c in columns})
            # Positional `?` parameters in the order of `columns`.
            sql = self._sql[table] = str(stmt.compile(dialect=self.conn.dialect))
        self.conn.exec_driver_sql(sql, rows)

    def before(self) -> None:
        """Keep the indexes whose keys arrive in order: at 1M rows SQLite re-creates those
        slower (~30 s, one table scan per index) than it updates them during the load
        (appends; an index led by a kind, domain or status appends within each value).
        Indexes led by a date or a title are dropped and re-created after the load: rows
        arrive in id order and dates and titles at random, so each insert lands at a
        random place (the two date sort indexes of commitments: +2.3 s per 200k rows kept,
        ~1.8 s each to build once at 1M)."""
        started = time.perf_counter()
        present = set(
            self.conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")
            .scalars()
            .all()
        )
        for name in COLUMNS:
            for index in m.Base.metadata.tables[name].indexes:
                if index.name in present and _led_by_random_key(index):
                    self.conn.exec_driver_sql(f"DROP INDEX {index.name}")
                    self.indexes.append(index)
        self.steps["drop date- and title-led indexes"] = time.perf_counter() - started

    def after(self) -> None:
        super().after()
        started = time.perf_counter()
        # FTS5 buffers the terms it indexes in a hash table, written out as a new segment
        # (and merged with the others) each time it holds `hashsize` bytes. 64 MB instead
        # of the default 1 MB for the one rebuild: 1M documents 5.1 -> 4.0 s, the same
        # index (same matches and bm25); the default is set back for the app's writes.
        config = "INSERT INTO search_fts(search_fts, rank) VALUES ('hashsize', ?)"
        self.conn.exec_driver_sql(config, (FTS_REBUILD_HASHSIZE,))
        self.conn.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
        self.conn.exec_driver_sql(config, (FTS_DEFAULT_HASHSIZE,))
        self.steps["search_fts rebuild"] = time.perf_counter() - started


def _led_by_random_key(index: Index) -> bool:
    """The index's first key is (an expression of) a date column or a title: keys that
    generated rows carry in random order."""
    first = index.expressions[0]
    if isinstance(first, str):
        return False
    return any(
        isinstance(e, Column) and (isinstance(e.type, Date) or e.key == "title")
        for e in iterate(first)
    )


class PostgresWriter(Writer):
    """COPY FROM STDIN. Besides the indexes, the unique and foreign-key constraints of the
    filled tables and the GIN search index are dropped during the load and re-created after
    it, in the same transaction: re-adding a constraint checks every row in one pass.

    The search documents go to a second session (`SideCopy`), in its own transaction, when
    the load replaces nothing: PostgreSQL computes each document's tsvector as the row
    arrives, a third of the load in one backend, and one backend uses one core. That
    transaction commits right after the main one; if the main one fails it is rolled back,
    and if it cannot commit after the main one did, the load is removed again."""

    def __init__(self, conn: Connection, engine: Engine | None = None) -> None:
        super().__init__(conn)
        self._constraints: list[Constraint] = []
        self._gin = False
        self._engine = engine
        self.side: SideCopy | None = None

    def _tables(self) -> list[str]:
        """The tables this session fills."""
        return [name for name in COLUMNS if self.side is None or name != SideCopy.TABLE]

    def _write(self, table: str, columns: tuple[str, ...], rows: list[Row]) -> None:
        if self.side is not None and table == SideCopy.TABLE:
            self.side.put(rows)
            return
        copy_rows(self.conn, table, columns, rows)

    def before(self) -> None:
        self.conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
        self.conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '1GB'")
        if self._engine is not None and not self.replacing:
            # Not when replacing: the main session has deleted documents, and the second
            # one's DROP INDEX would wait for the main one's commit, which waits for it.
            self.side = SideCopy(self._engine)
            self.side.start()
        started = time.perf_counter()
        for name in self._tables():
            table = m.Base.metadata.tables[name]
            for constraint in sorted(table.constraints, key=lambda c: str(c.name)):
                if isinstance(constraint, ForeignKeyConstraint | UniqueConstraint):
                    self.conn.exec_driver_sql(
                        f"ALTER TABLE {name} DROP CONSTRAINT {constraint.name}"
                    )
                    self._constraints.append(constraint)
        if self.side is None:
            self._gin = drop_gin(self.conn)
        self.steps["drop constraints, GIN index"] = time.perf_counter() - started
        started = time.perf_counter()
        self.indexes = drop_indexes(self.conn, self._tables())
        self.steps["drop indexes"] = time.perf_counter() - started

    def rows_written(self) -> None:
        if self.side is not None:
            self.side.put(None)  # no more documents: the second session indexes them

    def after(self) -> None:
        for name in self._tables():
            self.conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {name}), false)"
            )
        super().after()
        started = time.perf_counter()
        # Unique constraints first: they are what the foreign keys may rely on.
        for constraint in sorted(
            self._constraints, key=lambda c: isinstance(c, ForeignKeyConstraint)
        ):
            self.conn.execute(AddConstraint(constraint))
        self.steps["re-add constraints (checks rows)"] = time.perf_counter() - started
        if self._gin:
            started = time.perf_counter()
            create_gin(self.conn)
            self.steps["search GIN index"] = time.perf_counter() - started
        if self.side is not None:
            started = time.perf_counter()
            self.side.prepared()
            self.steps["waiting for the second session"] = time.perf_counter() - started
            self.steps.update(self.side.steps)

    def committed(self) -> None:
        if self.side is not None:
            self.side.finish(commit=True)

    def failed(self) -> None:
        if self.side is not None:
            self.side.finish(commit=False)


def copy_rows(conn: Connection, table: str, columns: tuple[str, ...], rows: list[Row]) -> None:
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def drop_indexes(conn: Connection, tables: list[str]) -> list[Index]:
    """Drop the declared indexes of `tables` (PostgreSQL builds an index from the loaded rows
    faster than it updates it row by row); returns them, to re-create after the load."""
    # From the catalog, not reflection: reflection skips (with a warning) the expression
    # indexes of the sort keys (migrations 0005, 0008).
    present = set(
        conn.exec_driver_sql(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%(tables)s)",
            {"tables": tables},
        ).scalars()
    )
    dropped = []
    for name in tables:
        for index in m.Base.metadata.tables[name].indexes:
            if index.name in present:
                conn.exec_driver_sql(f"DROP INDEX {index.name}")
                dropped.append(index)
    return dropped


def drop_gin(conn: Connection) -> bool:
    """Drop the GIN index of the search documents; whether there was one."""
    found = any(
        i["name"] == "ix_search_documents_vector"
        for i in inspect(conn).get_indexes("search_documents")
    )
    if found:
        conn.exec_driver_sql("DROP INDEX ix_search_documents_vector")
    return found


def create_gin(conn: Connection) -> None:
    conn.exec_driver_sql(
        "CREATE INDEX ix_search_documents_vector ON search_documents USING gin (vector)"
    )


class SideCopy:
    """The search documents of a PostgreSQL load, copied by a second session on a thread
    (psycopg releases the GIL while PostgreSQL works) in a transaction of its own: its
    indexes dropped, the rows copied as the main session sends them, the indexes re-created;
    then it waits for `finish` to commit or roll back."""

    TABLE = "search_documents"

    def __init__(self, engine: Engine) -> None:
        self.steps: dict[str, float] = {}
        self._engine = engine
        self._queue: queue.Queue[list[Row] | None] = queue.Queue(maxsize=4)
        self._ready = threading.Event()  # rows copied and indexed, or failed
        self._decided = threading.Event()
        self._commit = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="search-documents", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def put(self, rows: list[Row] | None) -> None:
        """Send rows (None: the last were sent). Raises the second session's error."""
        while True:
            self._raise()
            try:
                self._queue.put(rows, timeout=0.5)
                return
            except queue.Full:
                continue

    def prepared(self) -> None:
        """Wait until every document is copied and indexed; raise the session's error."""
        self._ready.wait()
        self._raise()

    def finish(self, *, commit: bool) -> None:
        """Commit (the main transaction has) or roll back, and end the session."""
        self._commit = commit
        self._decided.set()
        self._thread.join()
        if commit:
            self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise GenerateError(f"the search documents' session failed: {self._error}")

    def _run(self) -> None:
        columns = COLUMNS[self.TABLE]
        try:
            with self._engine.connect() as conn:
                with conn.begin() as transaction:
                    conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
                    conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '1GB'")
                    gin = drop_gin(conn)
                    indexes = drop_indexes(conn, [self.TABLE])
                    copying = 0.0
                    while (rows := self._next()) is not None:
                        t0 = time.perf_counter()
                        copy_rows(conn, self.TABLE, columns, rows)
                        copying += time.perf_counter() - t0
                    self.steps["search documents: COPY (second session)"] = copying
                    if self._decided.is_set() and not self._commit:
                        transaction.rollback()  # the main session gave up
                        return
                    t0 = time.perf_counter()
                    for index in indexes:
                        conn.execute(CreateIndex(index))
                    if gin:
                        create_gin(conn)
                    self.steps["search documents: indexes (second session)"] = (
                        time.perf_counter() - t0
                    )
                    self._ready.set()
                    self._decided.wait()
                    if not self._commit:
                        transaction.rollback()
        except BaseException as error:  # reported to the main thread, which raises it
            self._error = error
            self._ready.set()

    def _next(self) -> list[Row] | None:
        """The next rows; None when the main session sent the last or gave up."""
        while not self._decided.is_set():
            try:
                return self._queue.get(timeout=0.5)
            except queue.Empty:
                continue
        return None


# ---- entry point ----------------------------------------------------------------------------


@dataclass
class Report:
    rows: dict[str, int]
    seconds: dict[str, float]
    steps: dict[str, float]
    total: float
    cpu: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"{'table or step':<40}{'rows':>12}{'seconds':>9}"]
        for name, secs in self.seconds.items():
            out.append(f"{name:<40}{self.rows.get(name, 0):>12,}{secs:>9.2f}")
        for name, secs in self.steps.items():
            out.append(f"{name:<40}{'':>12}{secs:>9.2f}")
        out.append(f"{'total':<40}{sum(self.rows.values()):>12,}{self.total:>9.2f}")
        if self.cpu:
            used = ", ".join(f"{name} {secs:.1f} s" for name, secs in self.cpu.items())
            out.append(f"CPU time: {used}")
        return out


def synthetic_count(conn: Connection) -> int:
    """How many synthetic rows of the slugged tables are present."""
    total = 0
    for name in SLUGGED:
        table = m.Base.metadata.tables[name]
        query = select(func.count()).where(table.c.slug.startswith(PREFIX))
        total += int(conn.scalar(query) or 0)
    return total


def remove_synthetic(conn: Connection) -> None:
    """Delete every synthetic row: links and documents first, then children, then parents."""
    md = m.Base.metadata.tables

    def ids(name: str) -> Any:
        return select(md[name].c.id).where(md[name].c.slug.startswith(PREFIX))

    evidence, links, docs = md["evidence"], md["evidence_links"], md["search_documents"]
    synthetic_evidence = select(evidence.c.id).where(evidence.c.source_id.in_(ids("sources")))
    conn.execute(links.delete().where(links.c.evidence_id.in_(synthetic_evidence)))
    for name, (subject_type, _children) in SLUGGED.items():
        conn.execute(
            docs.delete().where(
                docs.c.subject_type == subject_type, docs.c.subject_id.in_(ids(name))
            )
        )
    for name, (_subject_type, children) in SLUGGED.items():
        for child, column in children:
            conn.execute(md[child].delete().where(md[child].c[column].in_(ids(name))))
    meetings = md["meetings"]
    conn.execute(meetings.update().where(meetings.c.slug.startswith(PREFIX)).values(parent_id=None))
    for name in SLUGGED:
        conn.execute(md[name].delete().where(md[name].c.slug.startswith(PREFIX)))


def _bump_version(conn: Connection) -> None:
    from .seeding import bump_version

    with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
        bump_version(session)


def default_workers(commitments: int, dialect: str) -> int:
    """Processes that build rows while this one writes, none for small loads. SQLite's
    writing keeps this process busy (one worker per other core); COPY leaves it mostly
    idle while PostgreSQL's own process parses, so there one worker per core."""
    if commitments < 5 * CHUNK:
        return 0
    cores = multiprocessing.cpu_count()
    return max(1, min(4, cores - 1 if dialect == "sqlite" else cores))


def generate(
    url: str,
    commitments: int,
    *,
    seed: int = 0,
    replace: bool = False,
    check: bool = False,
    workers: int | None = None,
) -> Report:
    """Fill the migrated database at `url` with `commitments` synthetic commitments and the
    rows that go with them, in one transaction (on PostgreSQL two: see the module)."""
    if commitments < 1:
        raise GenerateError("--commitments must be at least 1")
    started = time.perf_counter()
    cpu_started = _cpu()
    engine = create_engine(url)
    dialect = engine.dialect.name
    workers = default_workers(commitments, dialect) if workers is None else workers
    if dialect not in ("sqlite", "postgresql"):
        raise GenerateError(f"unsupported database: {dialect}")
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("search_documents"):
                raise GenerateError("the database is not migrated: run `regsec migrate` first")
            conn.rollback()  # end the inspection's transaction; the load opens its own
            writer: Writer
            if dialect == "sqlite":
                # Per-connection bulk-load settings (outside a transaction). A crash can lose
                # the load (synchronous=OFF) but never corrupts the file (WAL).
                for pragma in (
                    # A rollback journal, not WAL, during the load: it saves only pages that
                    # held data before (few, on a new database), where WAL writes every new
                    # page twice (log, then checkpoint). WAL is back on when the load ends.
                    "journal_mode=DELETE",
                    "synchronous=OFF",
                    "foreign_keys=OFF",
                    # A page cache of 100 MB, not the whole load (~2.7 GB at 1M): pages
                    # spill to the file as the load goes, and the kernel writes them out
                    # while this process works. With all of it cached, the commit wrote
                    # 2.7 GB at once, past the kernel's dirty-page limits (6.3-7.2 s).
                    "cache_size=-100000",
                    "temp_store=MEMORY",
                ):
                    conn.exec_driver_sql(f"PRAGMA {pragma}")
                conn.commit()  # PRAGMA foreign_keys has no effect inside a transaction
                writer = SQLiteWriter(conn)
            else:
                writer = PostgresWriter(conn, engine)
            sizes = Sizes(commitments)
            with _plain_binding() if dialect == "sqlite" else contextlib.nullcontext():
                _finish(
                    conn,
                    writer,
                    lambda: _load(conn, writer, sizes, seed, replace, check, workers, dialect),
                )
            t0 = time.perf_counter()
            conn.exec_driver_sql("ANALYZE")  # planner statistics for the new row counts
            conn.commit()
            if dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")  # as the app runs it
            writer.steps["analyze"] = time.perf_counter() - t0
    finally:
        engine.dispose()
    cpu = {name: secs - cpu_started[name] for name, secs in _cpu().items()}
    return Report(writer.rows, writer.seconds, writer.steps, time.perf_counter() - started, cpu)


# Values the sqlite3 module binds only after looking for an adapter: None and bool are not
# among the types it binds directly, and a failed lookup (two attribute probes) costs
# ~0.23 us a value, where a registered C-level adapter costs ~0.07 us. A 1M load binds
# ~9.7M of them (optional columns, flags). The adapters return what would be bound anyway.
PLAIN_ADAPTERS: dict[type, Callable[[Any], Any]] = {type(None): {}.get, bool: int}


@contextlib.contextmanager
def _plain_binding() -> Iterator[None]:
    """`PLAIN_ADAPTERS` registered for the load, the module's own adapters restored after
    (the registry is process-wide)."""
    keys = [(kind, sqlite3.PrepareProtocol) for kind in PLAIN_ADAPTERS]
    saved = {key: sqlite3.adapters.get(key) for key in keys}
    for kind, adapter in PLAIN_ADAPTERS.items():
        sqlite3.register_adapter(kind, adapter)
    try:
        yield
    finally:
        for key, before in saved.items():
            if before is None:
                sqlite3.adapters.pop(key, None)
            else:
                sqlite3.adapters[key] = before


def _cpu() -> dict[str, float]:
    """CPU seconds (user + system) of this process and of its finished workers."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "this process": me.ru_utime + me.ru_stime,
        "workers": workers.ru_utime + workers.ru_stime,
    }


def _finish(conn: Connection, writer: Writer, load: Callable[[], None]) -> None:
    """Run the `load` transaction, then tell the writer how it ended (its second session,
    if any, commits or rolls back accordingly)."""
    try:
        load()
    except BaseException:
        writer.failed()
        raise
    t0 = time.perf_counter()
    try:
        writer.committed()
    except GenerateError:
        # The second session could not commit after the main one did: take the load out.
        with conn.begin():
            remove_synthetic(conn)
            _bump_version(conn)
        raise
    writer.steps["commit"] += time.perf_counter() - t0


def _load(
    conn: Connection,
    writer: Writer,
    sizes: Sizes,
    seed: int,
    replace: bool,
    check: bool,
    workers: int,
    dialect: str,
) -> None:
    with conn.begin():
        found = synthetic_count(conn)
        if found and not replace:
            raise GenerateError(f"the database already holds {found} synthetic rows: --replace")
        if found:
            t0 = time.perf_counter()
            remove_synthetic(conn)
            writer.steps["remove earlier synthetic rows"] = time.perf_counter() - t0
        writer.replacing = bool(found)
        writer.before()
        t0 = time.perf_counter()
        ctx = Context(seed=seed, sizes=sizes)
        writer.write(Reference(conn, ctx).build())
        for batch, parties, dates in build_in_parallel(
            ctx, _units("meetings", sizes.meetings), workers
        ):
            writer.write(batch)
            ctx.meeting_parties += parties
            ctx.meeting_dates += dates
        units = _units("commitments", sizes.commitments) + _units("incidents", sizes.incidents)
        for batch in build_in_parallel(ctx, units, workers):
            writer.write(batch)
        written = sum(writer.seconds.values())
        writer.steps["building rows (not overlapped)"] = time.perf_counter() - t0 - written
        writer.rows_written()
        writer.derive_links(ctx)
        writer.after()
        _bump_version(conn)
        if check and dialect == "sqlite":
            t0 = time.perf_counter()
            problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise GenerateError(f"foreign key violations, e.g. {problems[:3]}")
            writer.steps["foreign_key_check"] = time.perf_counter() - t0
        t0 = time.perf_counter()
    writer.steps["commit"] = time.perf_counter() - t0
