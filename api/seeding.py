"""Load `seeds/` into the database: validate with the API's schemas, upsert by natural key.

The whole load is one transaction: a bad record anywhere leaves the database untouched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pycountry
import yaml
from marshmallow import Schema, ValidationError
from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

import models as m

from .search import sync_documents
from .v1.commitments.schemas import CommitmentIn
from .v1.common import parse_partial, partial_end
from .v1.countries.schemas import CountryIn
from .v1.disputes.schemas import DisputeIn
from .v1.incidents.schemas import IncidentIn
from .v1.meetings.schemas import MeetingIn
from .v1.organizations.schemas import OrganizationIn
from .v1.people.schemas import PersonIn
from .v1.sources.schemas import SourceIn

T = TypeVar("T")

ACTOR_MODELS: dict[str, type[Any]] = {
    "country": m.Country,
    "organization": m.Organization,
    "person": m.Person,
}


class SeedError(Exception):
    """A seed file that cannot be loaded; the message names file, record and field."""


@dataclass
class Report:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, file: str, created: bool) -> None:
        entry = self.counts.setdefault(file, {"records": 0, "created": 0, "updated": 0})
        entry["records"] += 1
        entry["created" if created else "updated"] += 1

    def lines(self) -> list[str]:
        return [
            f"{name}: {c['records']} records ({c['created']} created, {c['updated']} updated)"
            for name, c in self.counts.items()
        ]


def quote_key(quote: str | None) -> str:
    normalized = " ".join((quote or "").split())
    return hashlib.sha256(normalized.encode()).hexdigest()


def set_date(obj: Any, name: str, value: str | None, precision: str) -> None:
    """Store a partial date as its first day, its precision and (where kept) its last day."""
    start = None if value is None else parse_partial(value)[0]
    setattr(obj, name, start)
    setattr(obj, f"{name}_precision", precision)
    if hasattr(type(obj), f"{name}_end"):
        setattr(obj, f"{name}_end", partial_end(start, precision))


def read_records(path: Path, schema: Schema) -> list[dict[str, Any]]:
    """Parse one YAML file and validate each record, naming the record and field on error."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SeedError(f"{path.name}: not valid YAML: {exc}") from None
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise SeedError(f"{path.name}: must be a list of records")
    out = []
    for index, record in enumerate(raw):
        label = f"{path.name}: record {index + 1}"
        if isinstance(record, dict) and "id" in record:
            label += f" (id {record['id']!r})"
        if not isinstance(record, dict):
            raise SeedError(f"{label}: must be a mapping")
        try:
            out.append(schema.load(record))
        except ValidationError as exc:
            raise SeedError(f"{label}: {_describe(exc.messages)}") from None
    return out


def _describe(messages: Any, prefix: str = "") -> str:
    parts = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                parts.append(_describe(value, path))
            else:
                reasons = value if isinstance(value, list) else [value]
                parts.append(f"field '{path}': {' '.join(map(str, reasons))}")
    else:
        parts.append(f"{prefix}: {messages}")
    return "; ".join(parts)


class Loader:
    """Upserts validated records; one instance per load, inside one transaction."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self.changed = False
        event.listen(session, "before_flush", self._note_changes)
        self.report = Report()
        self._cache: dict[tuple[type[Any], str], Any] = {}
        self._evidence: dict[tuple[int, str], m.Evidence] = {}
        self.label = ""

    def _note_changes(self, session: Session, *_: Any) -> None:
        if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
            self.changed = True

    def close(self) -> None:
        event.remove(self.s, "before_flush", self._note_changes)

    # ---- lookups ---------------------------------------------------------------------

    def find(self, model: type[T], key: str | None) -> T | None:
        if key is None:
            return None
        cached = self._cache.get((model, key))
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        column = model.iso2 if model is m.Country else model.slug  # type: ignore[attr-defined]
        obj = self.s.scalar(select(model).where(column == key))
        if obj is None:
            kind = model.__name__.lower()
            raise SeedError(f"{self.label}: unknown {kind} id {key!r}")
        self._cache[(model, key)] = obj
        return obj

    def upsert(self, model: Any, slug: str, file: str) -> Any:
        obj = self.s.scalar(select(model).where(model.slug == slug))
        created = obj is None
        if obj is None:
            obj = model(slug=slug)
            self.s.add(obj)
        self.report.add(file, created)
        self._cache[(model, slug)] = obj
        return obj

    def actor(self, obj: Any, data: dict[str, Any], kinds: tuple[str, ...]) -> None:
        """Point a polymorphic row at the country / organization / person named in data."""
        for kind in kinds:
            setattr(obj, kind, self.find(ACTOR_MODELS[kind], data.get(kind)))

    # ---- evidence --------------------------------------------------------------------

    def evidence(self, subject: Any, items: Iterable[dict[str, Any]]) -> None:
        """Make the subject's evidence links exactly the given items."""
        self.s.flush()
        wanted: dict[tuple[int, str], str | None] = {}
        for item in items:
            source = self.find(m.Source, item["source"])
            assert source is not None
            ev = self._evidence_row(source, item["quote"], item["paragraph"])
            wanted[(ev.id, item["supports"])] = item["note"]
        links = self.s.scalars(
            select(m.EvidenceLink).where(
                m.EvidenceLink.subject_type == subject.subject_type,
                m.EvidenceLink.subject_id == subject.id,
            )
        ).all()
        for link in links:
            key = (link.evidence_id, link.supports)
            if key in wanted:
                link.note = wanted.pop(key)
            else:
                self.s.delete(link)
        for (evidence_id, supports), note in wanted.items():
            self.s.add(
                m.EvidenceLink(
                    evidence_id=evidence_id,
                    subject_type=subject.subject_type,
                    subject_id=subject.id,
                    supports=supports,
                    note=note,
                )
            )

    def _evidence_row(
        self, source: m.Source, quote: str | None, paragraph: int | None
    ) -> m.Evidence:
        key = (source.id, quote_key(quote))
        ev = self._evidence.get(key)
        if ev is None:
            ev = self.s.scalar(
                select(m.Evidence).where(
                    m.Evidence.source_id == source.id, m.Evidence.quote_key == key[1]
                )
            )
        if ev is None:
            ev = m.Evidence(source=source, quote=quote, quote_key=key[1])
            self.s.add(ev)
        ev.paragraph = paragraph
        self.s.flush()
        self._evidence[key] = ev
        return ev

    # ---- children --------------------------------------------------------------------

    def children(
        self,
        existing: list[Any],
        records: list[dict[str, Any]],
        factory: Callable[[], Any],
        key_of_row: Callable[[Any], Any],
        key_of_record: Callable[[dict[str, Any]], Any],
        apply: Callable[[Any, dict[str, Any]], None],
    ) -> None:
        """Sync a parent's child rows to `records` by natural key; drop the rest."""
        by_key = {key_of_row(row): row for row in list(existing)}
        keep = []
        with self.s.no_autoflush:  # a half-built row must not be flushed by a lookup
            for record in records:
                row = by_key.pop(key_of_record(record), None)
                if row is None:
                    row = factory()
                    apply(row, record)
                    existing.append(row)
                else:
                    apply(row, record)
                keep.append((row, record))
        for row in by_key.values():
            self._drop_links(row)
            existing.remove(row)
        self.s.flush()
        for row, record in keep:
            self.evidence(row, record["evidence"])

    def _drop_links(self, row: Any) -> None:
        if row.id is not None:
            self.s.execute(
                delete(m.EvidenceLink).where(
                    m.EvidenceLink.subject_type == row.subject_type,
                    m.EvidenceLink.subject_id == row.id,
                )
            )


def _actor_key(data: Any) -> tuple[Any, ...]:
    """Natural key of a polymorphic reference, for rows and records alike."""
    if isinstance(data, dict):
        return tuple(data.get(k) for k in ("country", "organization", "person"))
    out = []
    for attr in ("country", "organization", "person"):
        value = getattr(data, attr, None)
        out.append(None if value is None else (value.iso2 if attr == "country" else value.slug))
    return tuple(out)


def _date_key(value: dt.date | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return parse_partial(value)[0].isoformat()
    return value.isoformat()


# ---- one function per seed file, in load order -------------------------------------------


def load_countries(ld: Loader, records: list[dict[str, Any]]) -> None:
    """ISO 3166-1 from pycountry, then the seed file's enrichment (Wikidata ids)."""
    existing = {c.iso2: c for c in ld.s.scalars(select(m.Country))}
    for entry in pycountry.countries:
        country = existing.get(entry.alpha_2)
        if country is None:
            country = m.Country(iso2=entry.alpha_2)
            ld.s.add(country)
            existing[entry.alpha_2] = country
        country.iso3 = entry.alpha_3
        country.numeric = entry.numeric
        country.name = getattr(entry, "common_name", None) or entry.name
        country.official_name = getattr(entry, "official_name", None)
    for index, record in enumerate(records):
        country = existing.get(record["id"])
        if country is None:
            raise SeedError(
                f"countries.yaml: record {index + 1}: unknown ISO code {record['id']!r}"
            )
        country.wikidata = record["wikidata"]
        country.region = record["region"]
        ld.report.add("countries.yaml", created=False)
        ld.label = f"countries.yaml: {record['id']}"
        ld.s.flush()
        ld.evidence(country, record["evidence"])


def load_sources(ld: Loader, records: list[dict[str, Any]]) -> None:
    for r in records:
        src = ld.upsert(m.Source, r["id"], "sources.yaml")
        for key in (
            "kind",
            "title",
            "publisher",
            "url",
            "document",
            "language",
            "notes",
        ):
            setattr(src, key, r[key])
        set_date(src, "published_on", r["published_on"], r["published_on_precision"])
    ld.s.flush()


def load_organizations(ld: Loader, records: list[dict[str, Any]]) -> None:
    orgs = []
    for r in records:
        org = ld.upsert(m.Organization, r["id"], "organizations.yaml")
        for key in ("name", "short_name", "kind", "aliases", "description", "wikidata"):
            setattr(org, key, r[key])
        orgs.append((org, r))
    ld.s.flush()
    for org, r in orgs:  # second pass: parents and members may be later in the file
        ld.label = f"organizations.yaml: {r['id']}"
        org.country = ld.find(m.Country, r["country"])
        org.parent = ld.find(m.Organization, r["parent"])
        ld.evidence(org, r["evidence"])

        def apply(row: m.Membership, d: dict[str, Any]) -> None:
            row.member_country = ld.find(m.Country, d["country"])
            row.member_organization = ld.find(m.Organization, d["organization"])
            row.role = d["role"]
            set_date(row, "since", d["since"], d["since_precision"])
            row.since_as_stated = d["since_as_stated"]
            set_date(row, "until", d["until"], d["until_precision"])

        ld.children(
            org.memberships,
            r["memberships"],
            m.Membership,
            lambda row: (
                row.member_country and row.member_country.iso2,
                row.member_organization and row.member_organization.slug,
                row.role,
                _date_key(row.since),
            ),
            lambda d: (
                d["country"],
                d["organization"],
                d["role"],
                _date_key(d["since"]),
            ),
            apply,
        )


def load_people(ld: Loader, records: list[dict[str, Any]]) -> None:
    for r in records:
        ld.label = f"people.yaml: {r['id']}"
        person = ld.upsert(m.Person, r["id"], "people.yaml")
        for key in ("name", "description", "wikidata"):
            setattr(person, key, r[key])
        ld.s.flush()
        ld.evidence(person, r["evidence"])

        def apply(row: m.Role, d: dict[str, Any]) -> None:
            row.office = d["office"]
            row.country = ld.find(m.Country, d["country"])
            row.organization = ld.find(m.Organization, d["organization"])
            set_date(row, "since", d["since"], d["since_precision"])
            set_date(row, "until", d["until"], d["until_precision"])

        ld.children(
            person.roles,
            r["roles"],
            m.Role,
            lambda row: (row.office, _date_key(row.since)),
            lambda d: (d["office"], _date_key(d["since"])),
            apply,
        )


def load_meetings(ld: Loader, records: list[dict[str, Any]]) -> None:
    meetings = []
    for r in records:
        meeting = ld.upsert(m.Meeting, r["id"], "meetings.yaml")
        for key in (
            "kind",
            "title",
            "summary",
            "start_date_as_stated",
            "city",
            "occasion",
        ):
            setattr(meeting, key, r[key])
        set_date(meeting, "start_date", r["start_date"], r["start_date_precision"])
        set_date(meeting, "end_date", r["end_date"], r["end_date_precision"])
        meetings.append((meeting, r))
    ld.s.flush()
    for meeting, r in meetings:
        ld.label = f"meetings.yaml: {r['id']}"
        meeting.country = ld.find(m.Country, r["country"])
        meeting.host_country = ld.find(m.Country, r["host_country"])
        meeting.parent = ld.find(m.Meeting, r["parent"])
        ld.evidence(meeting, r["evidence"])

        def participant(row: m.MeetingParticipant, d: dict[str, Any]) -> None:
            ld.actor(row, d, ("country", "organization", "person"))
            row.role, row.attendance, row.note = d["role"], d["attendance"], d["note"]

        def outcome(row: m.MeetingOutcome, d: dict[str, Any]) -> None:
            row.kind, row.title, row.summary = d["kind"], d["title"], d["summary"]

        ld.children(
            meeting.participants,
            r["participants"],
            m.MeetingParticipant,
            _actor_key,
            _actor_key,
            participant,
        )
        ld.children(
            meeting.outcomes,
            r["outcomes"],
            m.MeetingOutcome,
            lambda row: (row.kind, row.title),
            lambda d: (d["kind"], d["title"]),
            outcome,
        )


def load_commitments(ld: Loader, records: list[dict[str, Any]]) -> None:
    for r in records:
        ld.label = f"commitments.yaml: {r['id']}"
        c = ld.upsert(m.Commitment, r["id"], "commitments.yaml")
        for key in (
            "title",
            "summary",
            "kind",
            "domain",
            "status",
            "made_on_as_stated",
            "horizon_months",
            "horizon_as_stated",
        ):
            setattr(c, key, r[key])
        set_date(c, "made_on", r["made_on"], r["made_on_precision"])
        c.meeting = ld.find(m.Meeting, r["meeting"])
        c.made_by = ld.find(m.Person, r["made_by"])
        ld.s.flush()
        ld.evidence(c, r["evidence"])

        parties = [dict(p, side="giver") for p in r["givers"]]
        parties += [dict(p, side="recipient") for p in r["recipients"]]

        def party(row: m.CommitmentParty, d: dict[str, Any]) -> None:
            ld.actor(row, d, ("country", "organization"))
            row.side, row.scope = d["side"], d["scope"]

        def item(row: m.CommitmentItem, d: dict[str, Any]) -> None:
            for key in ("description", "quantity", "unit", "quantity_status"):
                setattr(row, key, d[key])

        def amount(row: m.CommitmentAmount, d: dict[str, Any]) -> None:
            for key in ("amount", "currency", "basis", "approximate"):
                setattr(row, key, d[key])

        def status(row: m.CommitmentStatusEvent, d: dict[str, Any]) -> None:
            row.status, row.date_as_stated, row.note = (
                d["status"],
                d["date_as_stated"],
                d["note"],
            )
            set_date(row, "date", d["date"], d["date_precision"])

        ld.children(
            c.parties,
            parties,
            m.CommitmentParty,
            lambda row: (row.side, *_actor_key(row)),
            lambda d: (d["side"], *_actor_key(d)),
            party,
        )
        ld.children(
            c.items,
            r["items"],
            m.CommitmentItem,
            lambda row: row.description,
            lambda d: d["description"],
            item,
        )
        ld.children(
            c.amounts,
            r["amounts"],
            m.CommitmentAmount,
            lambda row: (row.currency, row.basis),
            lambda d: (d["currency"], d["basis"]),
            amount,
        )
        ld.children(
            c.status_events,
            r["status_history"],
            m.CommitmentStatusEvent,
            lambda row: (row.status, _date_key(row.date)),
            lambda d: (d["status"], _date_key(d["date"])),
            status,
        )


def load_disputes(ld: Loader, records: list[dict[str, Any]]) -> None:
    for r in records:
        ld.label = f"disputes.yaml: {r['id']}"
        d = ld.upsert(m.Dispute, r["id"], "disputes.yaml")
        for key in ("kind", "name", "aliases", "area", "status", "summary", "geometry"):
            setattr(d, key, r[key])
        ld.s.flush()
        ld.evidence(d, r["evidence"])

        def claimant(row: m.DisputeClaimant, x: dict[str, Any]) -> None:
            row.country = ld.find(m.Country, x["country"])  # type: ignore[assignment]
            row.role, row.claim = x["role"], x["claim"]

        def feature(row: m.DisputeFeature, x: dict[str, Any]) -> None:
            for key in ("name", "kind", "inhabited", "description", "geometry"):
                setattr(row, key, x[key])

        ld.children(
            d.claimants,
            r["claimants"],
            m.DisputeClaimant,
            lambda row: row.country.iso2,
            lambda x: x["country"],
            claimant,
        )
        ld.children(
            d.features,
            r["features"],
            m.DisputeFeature,
            lambda row: row.name,
            lambda x: x["name"],
            feature,
        )


def load_incidents(ld: Loader, records: list[dict[str, Any]]) -> None:
    for r in records:
        ld.label = f"incidents.yaml: {r['id']}"
        i = ld.upsert(m.Incident, r["id"], "incidents.yaml")
        for key in (
            "kind",
            "title",
            "summary",
            "occurred_on_as_stated",
            "recurring",
            "place",
            "deaths",
            "injuries",
            "casualty_note",
            "geometry",
        ):
            setattr(i, key, r[key])
        set_date(i, "occurred_on", r["occurred_on"], r["occurred_on_precision"])
        i.dispute = ld.find(m.Dispute, r["dispute"])
        ld.s.flush()
        ld.evidence(i, r["evidence"])

        def actor(row: m.IncidentActor, x: dict[str, Any]) -> None:
            ld.actor(row, x, ("country", "organization"))
            row.role, row.description = x["role"], x["description"]

        def account(row: m.IncidentAccount, x: dict[str, Any]) -> None:
            row.country = ld.find(m.Country, x["country"])
            row.account = x["account"]

        ld.children(
            i.actors,
            r["actors"],
            m.IncidentActor,
            lambda row: (*_actor_key(row), row.role),
            lambda x: (*_actor_key(x), x["role"]),
            actor,
        )
        ld.children(
            i.accounts,
            r["accounts"],
            m.IncidentAccount,
            lambda row: row.account,
            lambda x: x["account"],
            account,
        )


FILES: list[tuple[str, Schema, Callable[[Loader, list[dict[str, Any]]], None]]] = [
    ("sources.yaml", SourceIn(), load_sources),
    ("countries.yaml", CountryIn(), load_countries),
    ("organizations.yaml", OrganizationIn(), load_organizations),
    ("people.yaml", PersonIn(), load_people),
    ("meetings.yaml", MeetingIn(), load_meetings),
    ("commitments.yaml", CommitmentIn(), load_commitments),
    ("disputes.yaml", DisputeIn(), load_disputes),
    ("incidents.yaml", IncidentIn(), load_incidents),
]


def read_all(
    folder: Path,
) -> list[tuple[str, list[dict[str, Any]], Callable[[Loader, list[dict[str, Any]]], None]]]:
    """Validate every seed file before anything touches the database."""
    out = []
    for name, schema, load in FILES:
        path = folder / name
        records = read_records(path, schema) if path.exists() else []
        ids = [r["id"] for r in records]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise SeedError(f"{name}: duplicate id(s) {', '.join(dupes)}")
        out.append((name, records, load))
    return out


def load_seeds(session: Session, folder: Path) -> Report:
    """Load every seed file into `session` (the caller commits or rolls back)."""
    files = read_all(folder)
    loader = Loader(session)
    try:
        for _name, records, load in files:
            load(loader, records)
        session.flush()
        if loader.changed or session.get(m.DataVersion, 1) is None:
            sync_documents(session)
            bump_version(session)
    finally:
        loader.close()
    return loader.report


def bump_version(session: Session) -> None:
    """Record that the data changed: ETags and Last-Modified derive from this row."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    row = session.get(m.DataVersion, 1)
    if row is None:
        session.add(m.DataVersion(id=1, version=1, changed_at=now))
    else:
        row.version += 1
        row.changed_at = now
    session.flush()
