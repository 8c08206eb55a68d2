"""The read path without ORM objects: rows as plain objects, related rows in one query each.

Profiling a page of 50 commitments (bench/RESULTS.md) put more than half of the request in
SQLAlchemy's ORM building mapped instances (identity map, instance state, collections) for
rows we only read and dump. Here the same tables are read with Core statements built from
the mappers, and each row becomes a plain object with the mapped class's attribute names,
so the output schemas (and their compiled dumpers) read them exactly as they read ORM
objects. What to load is declared per collection as a tree of relationship names:

    {"meeting": {}, "parties": {"country": {}, "organization": {}}, "evidence_links": {}}

Each relationship costs one `SELECT ... WHERE key IN <the page's keys>` for the whole page
(like the ORM's selectin loading); `evidence_links` of every kind of row are fetched
together with their quotes and sources in one joined query. The keys travel as one
parameter (`keys_in`), so each statement has one SQL text whatever the page size. Only
single-column many-to-one and one-to-many relationships are supported; anything else is
refused when declared.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Result,
    Row,
    Select,
    String,
    and_,
    any_,
    bindparam,
    func,
    inspect,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import RelationshipDirection

import models as m

from . import db
from .errors import ApiError

Spec = Mapping[str, "Spec"]
EVIDENCE = "evidence_links"


class Plain:
    """A row read for output: attributes named as on the mapped class."""

    __slots__ = ("__dict__",)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.__dict__.get('id')}>"


# mapped class -> its plain class, and back (for the type-keyed lookups of api/v1/common.py)
_PLAIN: dict[type[Any], type[Plain]] = {}
MAPPED: dict[type[Plain], type[Any]] = {}


def plain_class(model: type[Any]) -> type[Plain]:
    cls = _PLAIN.get(model)
    if cls is None:
        cls = type(f"{model.__name__}Row", (Plain,), {"__slots__": ()})
        _PLAIN[model] = cls
        MAPPED[cls] = model
    return cls


@cache
def columns(model: Any) -> tuple[ColumnElement[Any], ...]:
    """The model's columns, labelled with their attribute names."""
    return tuple(prop.columns[0].label(prop.key) for prop in inspect(model).column_attrs)


def execute(stmt: Select[Any], params: dict[str, Any] | None = None) -> Result[Any]:
    """Run a Core statement on the request's connection (no ORM result processing)."""
    return db.session().connection().execute(stmt, params)


def build(model: type[Any], result: Result[Any]) -> list[Any]:
    cls = plain_class(model)
    keys = tuple(result.keys())
    out = []
    for row in result.fetchall():
        obj = cls()
        obj.__dict__ = dict(zip(keys, row, strict=True))
        out.append(obj)
    return out


class Hit(NamedTuple):
    """A listed row as pagination reads it: `hit[0]` the object, `hit.rank` its relevance."""

    obj: Any
    rank: float | None


def hits(model: type[Any], spec: Spec) -> Callable[[Sequence[Row[Any]]], list[Hit]]:
    """Turn rows of `select(*columns(model)[, rank])` into loaded objects, keeping rank."""

    def convert(rows: Sequence[Row[Any]]) -> list[Hit]:
        cls = plain_class(model)
        objs, ranks = [], []
        keys = tuple(rows[0]._fields) if rows else ()
        ranked = "rank" in keys
        for row in rows:
            data = dict(zip(keys, row, strict=True))
            ranks.append(data.pop("rank") if ranked else None)
            obj = cls()
            obj.__dict__ = data
            objs.append(obj)
        load(model, objs, spec)
        return [Hit(o, r) for o, r in zip(objs, ranks, strict=True)]

    return convert


def keys_in(column: ColumnElement[Any], name: str, dialect: str) -> ColumnElement[bool]:
    """`column IN <the keys bound as name>`, the keys as one parameter (`key_values`). An
    expanding `IN (?, ?, ...)` is rendered again for every length on every execution (a
    twentieth of a list request) and each length is a statement the driver prepares anew;
    one array (PostgreSQL) or one JSON text (SQLite's json_each) is neither. Both plans
    look the keys up in the column's index."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    keys: Select[Any] = select(literal_column("value")).select_from(
        func.json_each(bindparam(name, type_=String))
    )
    return column.in_(keys.scalar_subquery())


def key_values(keys: Iterable[Any], dialect: str) -> Any:
    """The value `keys_in` binds: a list (PostgreSQL) or its JSON text (SQLite)."""
    ordered = sorted(keys)
    return ordered if dialect == "postgresql" else json.dumps(ordered)


def _dialect() -> str:
    return db.session().get_bind().dialect.name


@cache
def _relationship(
    model: Any, name: str, dialect: str
) -> tuple[str, str, type[Any], Select[Any], bool]:
    """(local attribute, remote attribute, target class, statement, many); the statement
    selects the target's rows whose remote column is among the bound `keys`."""
    rel = inspect(model).relationships[name]
    pairs = rel.local_remote_pairs or []
    if rel.secondary is not None or len(pairs) != 1:
        raise NotImplementedError(f"{model.__name__}.{name}: not a one-column relationship")
    local, remote = pairs[0]
    target = rel.mapper.class_
    local_key = inspect(model).get_property_by_column(local).key
    remote_key = rel.mapper.get_property_by_column(remote).key
    many = rel.direction is RelationshipDirection.ONETOMANY
    if not many and rel.direction is not RelationshipDirection.MANYTOONE:
        raise NotImplementedError(f"{model.__name__}.{name}: {rel.direction}")
    order = rel.order_by or rel.mapper.primary_key
    stmt = select(*columns(target)).where(keys_in(remote, "keys", dialect)).order_by(*order)
    return local_key, remote_key, target, stmt, many


def load(model: type[Any], objs: list[Any], spec: Spec) -> None:
    """Attach the related rows `spec` names to `objs` (rows of `model`), recursively."""
    evidence: list[tuple[str, list[Any]]] = []
    dialect = _dialect()
    _load(model, objs, spec, evidence, dialect)
    if evidence:
        _load_evidence(evidence, dialect)


def _load(model: Any, objs: list[Any], spec: Spec, evidence: list[Any], dialect: str) -> None:
    if not objs:
        return
    for name, sub in spec.items():
        if name == EVIDENCE:
            evidence.append((model.subject_type, objs))
            continue
        local, remote, target, stmt, many = _relationship(model, name, dialect)
        if target in REFERENCE and not many and not sub and remote == "id":
            table = _reference(target)
            for o in objs:
                o.__dict__[name] = table.get(o.__dict__[local])
            continue
        keys = {k for o in objs if (k := o.__dict__[local]) is not None}
        found = execute(stmt, {"keys": key_values(keys, dialect)}) if keys else None
        children = build(target, found) if found is not None else []
        if many:
            groups: dict[Any, list[Any]] = defaultdict(list)
            for child in children:
                groups[child.__dict__[remote]].append(child)
            for o in objs:
                o.__dict__[name] = groups.get(o.__dict__[local], [])
        else:
            by_key = {child.__dict__[remote]: child for child in children}
            for o in objs:
                o.__dict__[name] = by_key.get(o.__dict__[local])
        if sub:
            _load(target, children, sub, evidence, dialect)


# Reference tables: a few hundred rows that change only when the data version does. Each
# process keeps them whole (as shared, never modified plain rows) instead of querying them
# on every page: two statements fewer per list page.
REFERENCE = (m.Country, m.Organization)


def _reference(model: Any) -> dict[Any, Any]:
    """Every row of `model` by id, as of the current data version (kept per app)."""
    version = current_app.extensions["regsec.versions"].get().number
    tables = current_app.extensions.setdefault("regsec.reference", {})
    held = tables.get(model)
    if held is None or held[0] != version:
        found = build(model, execute(select(*columns(model))))
        held = tables[model] = (version, {row.id: row for row in found})
    return held[1]  # type: ignore[no-any-return]


@cache
def _evidence_statement(types: tuple[str, ...], dialect: str) -> Select[Any]:
    """Evidence links of rows of these subject types (ids bound as `ids_0`, `ids_1`, ...),
    with their quotes and sources; built once per combination of types."""
    L, E, S = m.EvidenceLink, m.Evidence, m.Source
    condition = or_(
        *(
            and_(
                L.subject_type == t,
                keys_in(L.__table__.c.subject_id, f"ids_{i}", dialect),
            )
            for i, t in enumerate(types)
        )
    )
    return (
        select(
            *columns(L),
            *(c.label(f"e_{c.key}") for c in columns(E)),
            *(c.label(f"s_{c.key}") for c in columns(S)),
        )
        .join(E, E.id == L.evidence_id)
        .join(S, S.id == E.source_id)
        .where(condition)
        .order_by(L.id)
    )


def _load_evidence(wanted: list[tuple[str, list[Any]]], dialect: str) -> None:
    """Every `evidence_links` asked for, with quote and source, in one query."""
    L, E, S = m.EvidenceLink, m.Evidence, m.Source
    by_type: dict[str, dict[int, Any]] = defaultdict(dict)
    for subject_type, objs in wanted:
        for o in objs:
            by_type[subject_type][o.id] = o
            o.__dict__[EVIDENCE] = []
    types = tuple(sorted(by_type))
    params = {f"ids_{i}": key_values(by_type[t], dialect) for i, t in enumerate(types)}
    link_cls, ev_cls, src_cls = plain_class(L), plain_class(E), plain_class(S)
    evidences: dict[int, Any] = {}
    sources: dict[int, Any] = {}
    result = execute(_evidence_statement(types, dialect), params)
    keys = tuple(result.keys())
    for row in result.fetchall():
        data = dict(zip(keys, row, strict=True))
        link: Any = link_cls()
        link.__dict__ = {k: v for k, v in data.items() if k[:2] not in ("e_", "s_")}
        ev: Any = evidences.get(link.evidence_id)
        if ev is None:
            src: Any = sources.get(data["s_id"])
            if src is None:
                src = sources[data["s_id"]] = src_cls()
                src.__dict__ = {k[2:]: v for k, v in data.items() if k[:2] == "s_"}
            ev = evidences[link.evidence_id] = ev_cls()
            ev.__dict__ = {k[2:]: v for k, v in data.items() if k[:2] == "e_"}
            ev.source = src
        link.evidence = ev
        by_type[link.subject_type][link.subject_id].__dict__[EVIDENCE].append(link)


@cache
def _by_slug(model: Any) -> Select[Any]:
    return select(*columns(model)).where(model.slug == bindparam("slug")).limit(1)


def one(model: Any, spec: Spec, kind: str, public_id: str) -> Any:
    """The row of `model` whose slug is `public_id`, loaded per `spec`, or a 404 problem."""
    found = build(model, execute(_by_slug(model), {"slug": public_id}))
    if not found:
        raise ApiError(404, f"No {kind} with id '{public_id}'.", title="Resource not found")
    load(model, found, spec)
    return found[0]


def check(model: Any, spec: Spec) -> None:
    """Refuse, at declaration, a spec this module cannot load."""
    for name, sub in spec.items():
        if name == EVIDENCE:
            if not hasattr(model, "subject_type"):
                raise NotImplementedError(f"{model.__name__} has no evidence")
            continue
        # the guards and the target do not depend on the dialect the statement is built for
        target = _relationship(model, name, "sqlite")[2]
        check(target, sub)
