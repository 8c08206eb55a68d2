"""The read path without ORM objects: rows as plain objects, related rows in one query each.

Profiling a page of 50 commitments (bench/RESULTS.md) put more than half of the request in
SQLAlchemy's ORM building mapped instances (identity map, instance state, collections) for
rows we only read and dump. Here the same tables are read with Core statements built from
the mappers, and each row becomes a plain object with the mapped class's attribute names,
so the output schemas (and their compiled dumpers) read them exactly as they read ORM
objects. What to load is declared per collection as a tree of relationship names:

    {"meeting": {}, "parties": {"country": {}, "organization": {}}, "evidence_links": {}}

Two ways to read the tree, chosen by measurement (`load`):

- one `SELECT ... WHERE key IN <the page's keys>` per relationship for the whole page (like
  the ORM's selectin loading): an SQLite list page;
- one statement whose relations (and `evidence_links`, with quotes and sources) the
  database returns as JSON, parsed and typed here (`load_tree`): a detail on both
  databases, and a PostgreSQL list page.

The keys travel as one parameter (`keys_in`), so each statement has one SQL text whatever
the page size. Only single-column many-to-one and one-to-many relationships ordered by id
are supported; anything else is refused when declared.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple

import orjson
from flask import current_app
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Date,
    DateTime,
    Float,
    Numeric,
    Result,
    Row,
    Select,
    String,
    Text,
    any_,
    bindparam,
    case,
    cast,
    func,
    inspect,
    literal_column,
    null,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute, RelationshipDirection

import models as m

from . import caching, db
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
    return db.reads().execute(stmt, params)


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


def among(
    column: ColumnElement[Any] | InstrumentedAttribute[Any], keys: Iterable[Any]
) -> ColumnElement[bool]:
    """`column IN keys`, the keys bound as one value as in `keys_in` (the statement keeps
    one shape whatever their number; an empty list matches nothing)."""
    dialect = db.reads().dialect.name
    if dialect == "postgresql":
        array = bindparam(None, value=sorted(keys), type_=ARRAY(column.type))
        return column == any_(array)
    text = bindparam(None, value=json.dumps(sorted(keys)), type_=String)
    values: Select[Any] = select(literal_column("value")).select_from(func.json_each(text))
    return column.in_(values.scalar_subquery())


# Kept per app: (data version, ids or None) by the caller's key; emptied when full.
FEW_KEPT = 1024


def few(stmt: Select[Any], most: int, key: tuple[Any, ...]) -> list[int] | None:
    """The distinct values of `stmt`'s one column when it selects at most `most` rows
    (`stmt` is limited to most + 1), else None; kept per app and data version by `key`."""
    version = caching.data_version()
    kept = current_app.extensions.setdefault("regsec.few", {})
    held = kept.get(key)
    if held is not None and held[0] == version:
        return held[1]  # type: ignore[no-any-return]
    found = execute(stmt).scalars().all()
    ids = sorted(set(found)) if len(found) <= most else None
    if len(kept) >= FEW_KEPT:
        kept.clear()
    kept[key] = (version, ids)
    return ids


@cache
def _relationship(model: Any, name: str, dialect: str) -> tuple[str, str, Any, Select[Any], bool]:
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
    if [column.key for column in order] != ["id"]:
        # `load_tree` puts related rows in id order
        raise NotImplementedError(f"{model.__name__}.{name}: ordered by other than id")
    stmt = select(*columns(target)).where(keys_in(remote, "keys", dialect)).order_by(*order)
    return local_key, remote_key, target, stmt, many


def load(model: type[Any], objs: list[Any], spec: Spec) -> None:
    """Attach the related rows `spec` names to `objs` (rows of `model`), recursively: one
    statement per relation on SQLite when no evidence is asked for (a list page's summary),
    else one statement whose relations the database returns as JSON (`load_tree`).

    Measured in-process on the 1k data (bench/): a page of 50 commitments costs SQLite more
    as JSON (2.53 against 2.35 ms) but PostgreSQL less (2.86 against 3.11 ms, and three round
    trips fewer); a detail costs both less (SQLite 0.97 against 1.25 ms, PostgreSQL 1.30
    against 2.26 ms)."""
    if not spec:
        return  # a `fields=` page that prints no relation
    if _json_dialect().name == "sqlite" and not _asks_evidence(spec):
        _load(model, objs, spec, "sqlite")
    else:
        load_tree(model, objs, spec)


def _asks_evidence(spec: Spec) -> bool:
    return any(name == EVIDENCE or _asks_evidence(sub) for name, sub in spec.items())


def _load(model: Any, objs: list[Any], spec: Spec, dialect: str) -> None:
    if not objs:
        return
    for name, sub in spec.items():
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
            _load(target, children, sub, dialect)


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


# ---- relations as JSON the database builds -------------------------------------------------
#
# The statement-per-relation loading above costs a round trip and SQLAlchemy's statement
# machinery per relation: eight statements for a commitment's detail. Here the database
# builds the tree as JSON (correlated subqueries, nested as deep as the spec:
# `json_object`/`json_group_array` on SQLite, `json_build_object`/`json_agg` on PostgreSQL):
# a detail is one statement whose one value is the row with all it shows (`one`), a list page
# its keyset statement plus one whose columns are the page's relations (`load_tree`). Python
# only parses it (orjson) and gives each value the type the column's own result processing
# would (dates, decimals, booleans), so the objects are the ones `_load` builds.


def _json_dialect() -> Any:
    """The request's dialect object (its name, and its result processors for SQLite)."""
    return db.reads().dialect


def _obj(pairs: Sequence[tuple[str, ColumnElement[Any]]], dialect: str) -> ColumnElement[Any]:
    args: list[ColumnElement[Any]] = []
    for key, value in pairs:
        args += [literal_column(f"'{key}'"), value]
    if len(args) > 100:  # PostgreSQL's limit on a function's arguments (SQLite's is 127)
        raise NotImplementedError(f"a JSON object of {len(pairs)} fields: {pairs[0][0]}...")
    return func.json_build_object(*args) if dialect == "postgresql" else func.json_object(*args)


def _value(column: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """A column as it goes into a JSON object: decimals as text, so no digit is lost to a
    JSON number (SQLite's JSON writes a REAL with 15 digits; `%!.17g` keeps the double)."""
    if isinstance(column.type, Numeric) and not isinstance(column.type, Float):
        if dialect == "postgresql":
            return cast(column, Text)
        return case(
            (column.is_(None), null()), else_=func.printf(literal_column("'%!.17g'"), column)
        )
    return column


def _array(element: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return func.coalesce(func.json_agg(element), literal_column("'[]'::json"))
    return func.json_group_array(element)


def _nested(query: Select[Any], dialect: str, depth: int) -> ColumnElement[Any]:
    """A scalar subquery's JSON: as a value inside another JSON object, SQLite needs
    `json()` to keep it JSON rather than a string; a top-level column is parsed by us."""
    sub = query.scalar_subquery()
    return sub if dialect == "postgresql" or depth == 0 else func.json(sub)


def _row_object(model: Any, spec: Spec, table: Any, dialect: str, depth: int) -> ColumnElement[Any]:
    """One row of `model` (read from `table`, an alias) as a JSON object: its columns by
    attribute name and the relations `spec` names."""
    pairs = _fields(model, table, dialect)
    return _obj([*pairs, *_relation_values(model, spec, table, dialect, depth)], dialect)


def _fields(model: Any, table: Any, dialect: str) -> list[tuple[str, ColumnElement[Any]]]:
    """(attribute, value) of each column of `model`, read from `table` (an alias)."""
    return [
        (prop.key, _value(table.corresponding_column(prop.columns[0]), dialect))
        for prop in inspect(model).column_attrs
    ]


def _relation_values(
    model: Any, spec: Spec, table: Any, dialect: str, depth: int
) -> list[tuple[str, ColumnElement[Any]]]:
    """(name, JSON value) of each relation in `spec` of the row of `model` read from
    `table`; reference rows come from the per-process tables, so only their key is read."""
    out: list[tuple[str, ColumnElement[Any]]] = []
    for name, sub in spec.items():
        if name == EVIDENCE:
            out.append((name, _evidence_value(model.subject_type, table.c.id, dialect, depth)))
            continue
        _, _, target, _, many = _relationship(model, name, dialect)
        if _is_reference(model, name, sub, dialect):
            continue
        rel = inspect(model).relationships[name]
        local, remote = (rel.local_remote_pairs or [])[0]
        inner = inspect(target).local_table.alias(f"r{depth}_{name}")
        element = _row_object(target, sub, inner, dialect, depth + 1)
        condition = inner.corresponding_column(remote) == table.corresponding_column(local)
        query = select(_array(element, dialect) if many else element).select_from(inner)
        query = query.where(condition).correlate(table)
        out.append((name, _nested(query, dialect, depth)))
    return out


def _evidence_value(
    subject_type: str, subject_id: ColumnElement[Any], dialect: str, depth: int
) -> ColumnElement[Any]:
    """The evidence links of one row, each with its quote and the quote's source."""
    L, E, S = (
        table.alias(f"{prefix}{depth}")
        for table, prefix in (
            (m.EvidenceLink.__table__, "l"),
            (m.Evidence.__table__, "e"),
            (m.Source.__table__, "s"),
        )
    )
    source = _obj(_fields(m.Source, S, dialect), dialect)
    evidence = _obj([*_fields(m.Evidence, E, dialect), ("source", source)], dialect)
    link = _obj([*_fields(m.EvidenceLink, L, dialect), ("evidence", evidence)], dialect)
    query = (
        select(_array(link, dialect))
        .select_from(L.join(E, E.c.id == L.c.evidence_id).join(S, S.c.id == E.c.source_id))
        .where(L.c.subject_type == literal_column(f"'{subject_type}'"))
        .where(L.c.subject_id == subject_id)
    )
    return _nested(query, dialect, depth)


def _is_reference(model: Any, name: str, sub: Spec, dialect: str) -> bool:
    _, remote, target, _, many = _relationship(model, name, dialect)
    return target in REFERENCE and not many and not sub and remote == "id"


def _frozen(spec: Spec) -> tuple[Any, ...]:
    return tuple((name, _frozen(sub)) for name, sub in spec.items())


def _thawed(frozen: tuple[Any, ...]) -> dict[str, Any]:
    return {name: _thawed(sub) for name, sub in frozen}


@cache
def _tree_columns(model: Any, frozen: tuple[Any, ...], dialect: str) -> tuple[Any, ...]:
    """The spec's relations of `model`'s table as labelled JSON columns (text)."""
    table = inspect(model).local_table
    values = _relation_values(model, _thawed(frozen), table, dialect, 0)
    if dialect == "postgresql":
        return tuple(cast(value, Text).label(name) for name, value in values)
    return tuple(value.label(name) for name, value in values)


@cache
def _tree_statement(model: Any, frozen: tuple[Any, ...], dialect: str) -> Select[Any]:
    table = inspect(model).local_table
    return select(table.c.id, *_tree_columns(model, frozen, dialect)).where(
        keys_in(table.c.id, "keys", dialect)
    )


@cache
def _converters(model: Any, dialect: Any) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    """(attribute, function) for each column whose JSON value is not yet its Python value."""
    out: list[tuple[str, Callable[[Any], Any]]] = []
    for prop in inspect(model).column_attrs:
        kind = prop.columns[0].type
        numeric = isinstance(kind, Numeric) and not isinstance(kind, Float)
        if dialect.name == "postgresql":
            if isinstance(kind, DateTime):
                out.append((prop.key, dt.datetime.fromisoformat))
            elif isinstance(kind, Date):
                out.append((prop.key, dt.date.fromisoformat))
            elif numeric:
                out.append((prop.key, Decimal))
            continue
        process = kind.dialect_impl(dialect).result_processor(dialect, None)
        if numeric and process is not None:
            out.append((prop.key, _through_float(process)))
        elif process is not None:
            out.append((prop.key, process))
    return tuple(out)


def _through_float(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """SQLite's decimal processing, given the `%!.17g` text of the stored number."""
    return lambda value: process(float(value))


class _Step(NamedTuple):
    """How one relation of a row is read back: `kind` is evidence, reference, many or one."""

    name: str
    kind: str
    local: str
    target: Any
    plan: _Plan | None


class _Plan(NamedTuple):
    """How the JSON of a row of one model becomes a plain row."""

    cls: type[Plain]
    converters: tuple[tuple[str, Callable[[Any], Any]], ...]
    steps: tuple[_Step, ...]


@cache
def _plan(model: Any, frozen: tuple[Any, ...], dialect: Any) -> _Plan:
    steps = []
    for name, sub in frozen:
        if name == EVIDENCE:
            steps.append(_Step(name, "evidence", "", None, None))
            continue
        local, _, target, _, many = _relationship(model, name, dialect.name)
        if _is_reference(model, name, _thawed(sub), dialect.name):
            steps.append(_Step(name, "reference", local, target, None))
        else:
            plan = _plan(target, sub, dialect)
            steps.append(_Step(name, "many" if many else "one", local, target, plan))
    return _Plan(plain_class(model), _converters(model, dialect), tuple(steps))


def _by_id(obj: Any) -> Any:
    return obj.id


class _Reader:
    """Turns the parsed JSON of rows into plain rows (reference tables looked up once)."""

    def __init__(self, dialect: Any) -> None:
        self.dialect = dialect
        self.references: dict[Any, dict[Any, Any]] = {}
        self.link = _plan(m.EvidenceLink, (), dialect)
        self.evidence = _plan(m.Evidence, (), dialect)
        self.source = _plan(m.Source, (), dialect)

    def row(self, plan: _Plan, data: dict[str, Any]) -> Any:
        for key, convert in plan.converters:
            value = data[key]
            if value is not None:
                data[key] = convert(value)
        obj = plan.cls()
        obj.__dict__ = data
        if plan.steps:
            self.attach(plan, data)
        return obj

    def attach(self, plan: _Plan, values: dict[str, Any]) -> None:
        """Each relation's parsed JSON as plain rows, in id order (as `_load` orders them)."""
        for name, kind, local, target, sub in plan.steps:
            if kind == "reference":
                table = self.references.get(target)
                if table is None:
                    table = self.references[target] = _reference(target)
                values[name] = table.get(values[local])
                continue
            value = values[name]
            if kind == "many":
                values[name] = sorted((self.row(sub, item) for item in value), key=_by_id)  # type: ignore[arg-type]
            elif kind == "one":
                values[name] = None if value is None else self.row(sub, value)  # type: ignore[arg-type]
            else:
                values[name] = sorted((self.evidence_link(link) for link in value), key=_by_id)

    def evidence_link(self, data: dict[str, Any]) -> Any:
        evidence = data["evidence"]
        evidence["source"] = self.row(self.source, evidence["source"])
        data["evidence"] = self.row(self.evidence, evidence)
        return self.row(self.link, data)

    def tree(self, plan: _Plan, obj: Any) -> None:
        """`obj` as read with `_tree_columns`: each relation's column holds JSON text."""
        values = obj.__dict__
        for step in plan.steps:
            text = values.get(step.name)
            if text is not None:
                values[step.name] = orjson.loads(text)
        self.attach(plan, values)


def load_tree(model: Any, objs: list[Any], spec: Spec) -> None:
    """What `load` does, in one statement (relations as JSON built by the database)."""
    if not objs:
        return
    dialect = _json_dialect()
    frozen = _frozen(spec)
    by_id = {o.id: o for o in objs}
    stmt = _tree_statement(model, frozen, dialect.name)
    names = [column.name for column in _tree_columns(model, frozen, dialect.name)]
    for row in run(stmt, {"keys": key_values(by_id, dialect.name)}):
        by_id[row[0]].__dict__.update(zip(names, row[1:], strict=True))
    reader, plan = _Reader(dialect), _plan(model, frozen, dialect)
    for obj in objs:
        reader.tree(plan, obj)


class _DriverSQL(NamedTuple):
    """A statement compiled once for the dialect: its SQL text, the order of its positional
    parameters (None: the driver takes them by name) and the values bound at compile time."""

    text: str
    order: tuple[str, ...] | None
    bound: dict[str, Any]


@cache
def _driver_sql(stmt: Select[Any], dialect: Any) -> _DriverSQL:
    compiled = stmt.compile(dialect=dialect)
    order = tuple(compiled.positiontup or ()) if dialect.positional else None
    return _DriverSQL(str(compiled), order, dict(compiled.params))


def run(stmt: Select[Any], params: dict[str, Any]) -> Sequence[Any]:
    """The rows of a statement built once (cached) whose columns need no type processing:
    sent as its compiled text with `exec_driver_sql`, which keeps SQLAlchemy's error
    handling but skips what `execute` redoes each time (the statement's cache key: a walk
    of the whole tree, a tenth of a detail request)."""
    connection = db.reads()
    sql = _driver_sql(stmt, connection.dialect)
    values = {**sql.bound, **params}
    args = values if sql.order is None else tuple(values[name] for name in sql.order)
    return connection.exec_driver_sql(sql.text, args).fetchall()


@cache
def _by_slug_json(model: Any, frozen: tuple[Any, ...], dialect: str) -> Select[Any]:
    """The row whose slug is bound as `slug`, as one JSON object with the spec's relations."""
    table = inspect(model).local_table
    row = _row_object(model, _thawed(frozen), table, dialect, 1)
    value = cast(row, Text) if dialect == "postgresql" else row
    return select(value).where(table.c.slug == bindparam("slug", type_=String)).limit(1)


def one(model: Any, spec: Spec, kind: str, public_id: str) -> Any:
    """The row of `model` whose slug is `public_id`, loaded per `spec`, or a 404 problem."""
    dialect = _json_dialect()
    frozen = _frozen(spec)
    found = run(_by_slug_json(model, frozen, dialect.name), {"slug": public_id})
    if not found:
        raise ApiError(404, f"No {kind} with id '{public_id}'.", title="Resource not found")
    return _Reader(dialect).row(_plan(model, frozen, dialect), orjson.loads(found[0][0]))


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
