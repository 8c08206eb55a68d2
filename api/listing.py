"""The list pipeline every collection shares: parse -> filter -> search -> page -> dump.

A resource declares a `Collection` (its filters, sort keys and expansions) in a few lines;
`list_response` does the rest for the top-level list and for nested lists alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from flask import Response, current_app, request, stream_with_context
from marshmallow import Schema
from sqlalchemy import Double, Select
from sqlalchemy.orm.strategy_options import _AbstractLoad

from . import caching, db, rows, search
from .dumping import Dumper, compiled
from .errors import ApiError
from .filters import Filter, parse_filters
from .formats import CSV, GEOJSON, JSON, NDJSON, csv_lines, geojson_chunks, ndjson_lines, negotiate
from .pagination import Keyset, SortKey, decode_cursor, paginate, stream
from .params import ListArgs, parse_split
from .queries import few_or_any
from .responses import json_response
from .rows import Spec
from .v1.common import expanding

ALWAYS = ("id", "type", "url")
MAX_NAMES = 20


@dataclass(frozen=True)
class Collection:
    """What one collection accepts: filters, sort keys, expansions; and how it dumps."""

    type: str
    model: Any
    schema: Any  # a marshmallow Schema class (the summary representation)
    filters: Mapping[str, Filter]
    sorts: Mapping[str, SortKey]
    default_sort: tuple[str, ...] = ()
    # expand name -> loader options that make the expanded objects' own references eager
    expansions: Mapping[str, Sequence[_AbstractLoad]] = field(default_factory=dict)
    # filter group -> relationship whose rows the group's conditions describe
    groups: Mapping[str, Any] = field(default_factory=dict)
    # rows of this collection have search documents (`q=`)
    searchable: bool = True
    # items carry a geometry: the list also answers as a GeoJSON FeatureCollection
    geo: bool = False
    # ORM loader options the summary needs (the statement passed in carries none)
    load: Sequence[_AbstractLoad] = ()
    # the same needs as a tree of relationship names, for the plain read path (api/rows.py);
    # None: this collection is always read through the ORM
    rows: Spec | None = None
    # for each relation of `rows`, the output fields that read it: a `fields=` page loads
    # only the relations its fields read (every relation must be listed)
    reads: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.rows is not None:
            rows.check(self.model, self.rows)
            declared = self.schema._declared_fields
            if set(self.reads) != set(self.rows):
                raise ValueError(f"{self.type}: `reads` must list each relation of `rows`")
            unknown = [f for names in self.reads.values() for f in names if f not in declared]
            if unknown:
                raise ValueError(f"{self.type}: `reads` names unknown fields {unknown}")

    def relations(self, only: tuple[str, ...] | None) -> Spec:
        """The relations of `rows` that the dumped fields read (all of them: no `fields=`)."""
        assert self.rows is not None
        if only is None:
            return self.rows
        return {n: sub for n, sub in self.rows.items() if any(f in only for f in self.reads[n])}

    @property
    def media_types(self) -> list[str]:
        return [JSON, CSV, NDJSON, *([GEOJSON] if self.geo else [])]


@dataclass
class ListQuery:
    limit: int
    cursor: str | None
    count: bool
    order: list[SortKey]
    where: list[Any]
    fields: tuple[str, ...] | None
    expand: frozenset[str]
    q: str | None
    format: str | None
    params: tuple[tuple[str, str], ...] = ()  # the filter parameters, as given
    sorted_by_client: bool = False  # `sort=` given (a search is then not ranked first)


def _names(
    raw: str | None, param: str, allowed: Sequence[str], *, descending: bool = False
) -> list[str]:
    """Validate a comma list of names; `-name` (descending) only where `descending`."""
    if raw is None:
        return []
    names = [n.strip() for n in raw.split(",")]
    if any(not n for n in names):
        raise ApiError(
            400,
            f"'{param}' must be a comma-separated list of names.",
            title="Invalid query parameter",
            errors=[{"name": param, "reason": "Empty name in the list."}],
        )
    if len(names) > MAX_NAMES:
        raise ApiError(
            400,
            f"'{param}' names at most {MAX_NAMES} fields.",
            title="Invalid query parameter",
            errors=[{"name": param, "reason": f"At most {MAX_NAMES} names."}],
        )
    unknown = [n for n in names if (n[1:] if descending and n[:1] == "-" else n) not in allowed]
    if unknown:
        raise ApiError(
            400,
            f"Unknown name(s) in '{param}': {', '.join(unknown)}.",
            title="Invalid query parameter",
            errors=[
                {
                    "name": param,
                    "reason": f"Unknown: {', '.join(unknown)}. Allowed: {', '.join(allowed)}.",
                }
            ],
        )
    return names


# Parsed filter parameters, kept per app, data version (a filter on related rows may bind ids
# read from the data: api/queries.py few_or_any), collection and exact parameters. Building the SQL
# of a relation filter (`giver=JP`: nested EXISTS through the ORM's relationships) was a fifth
# of a filtered request; SQL expressions are immutable, so the same request shares them.
PARSED = "regsec.parsed"
PARSED_MAX = 1024


def _filters(
    collection: Collection, params: tuple[tuple[str, str], ...]
) -> tuple[list[Any], list[dict[str, str]]]:
    key = (id(collection), caching.data_version(), params)
    kept: dict[Any, Any] = current_app.extensions.setdefault(PARSED, {})
    found = kept.get(key)
    if found is None:
        found = parse_filters(collection.filters, dict(params), collection.groups, few_or_any)
        if len(kept) >= PARSED_MAX:
            kept.clear()  # bounded; a new set of parameters is parsed again
        kept[key] = found
    clauses, errors = found
    return list(clauses), [dict(e) for e in errors]


def parse_query(collection: Collection, args: Any) -> ListQuery:
    """Validate every parameter of a list request; all problems are reported together."""
    reserved, rest = parse_split(ListArgs, args)
    params = tuple(rest.items())
    clauses, errors = _filters(collection, params)
    if errors:
        raise ApiError(
            400,
            "Invalid query parameter(s): " + ", ".join(e["name"] for e in errors) + ".",
            title="Invalid query parameter",
            errors=errors,
        )
    sort_names = _names(reserved.get("sort"), "sort", list(collection.sorts), descending=True)
    order: list[SortKey] = []
    for name in sort_names or list(collection.default_sort):
        key = collection.sorts[name.lstrip("-")]
        if any(k.name == key.name for k in order):
            continue  # a key given again (`name,-name`) adds nothing: the first one orders
        order.append(key.reverse() if name.startswith("-") else key)
    if not any(k.name == "id" for k in order):
        order.append(collection.sorts["id"])  # the unique tiebreaker
    if reserved.get("q") is not None and not collection.searchable:
        raise ApiError(
            400,
            "This list cannot be searched.",
            title="Invalid query parameter",
            errors=[{"name": "q", "reason": "Not supported on this list."}],
        )
    schema_fields = [f for f in collection.schema._declared_fields if f not in ALWAYS]
    fields = _names(reserved.get("fields_"), "fields", schema_fields)
    expand = _names(reserved.get("expand"), "expand", list(collection.expansions))
    return ListQuery(
        limit=reserved["limit"],
        cursor=reserved.get("cursor"),
        count=reserved["count"],
        order=order,
        where=clauses,
        fields=tuple(fields) if fields else None,
        expand=frozenset(expand),
        q=reserved.get("q"),
        format=reserved.get("format"),
        params=params,
        sorted_by_client=bool(sort_names),
    )


def _only(schema: type[Schema], fields: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The `only=` of the dumped schema: the asked-for fields and the ones always present."""
    if not fields:
        return None
    return (*(f for f in ALWAYS if f in schema._declared_fields), *fields)


Base = Select[Any] | Callable[[], Select[Any]]


def list_response(collection: Collection, stmt: Base) -> Response:
    """The list as the request's parameters ask: a JSON page, or a streamed export.

    `stmt` selects the listed rows before the request's filters. A list passes the
    function that builds it (`queries.listing`, or a `functools.partial` of it naming the
    parent of a nested list): the same function and arguments build the same statement, so
    the statements built from it for a shape of request are kept and reused (`_keyset`).
    A statement passed as such is used for this request only."""
    query = parse_query(collection, request.args)
    media = negotiate(collection.media_types, query.format)
    plain = collection.rows is not None and not query.expand and current_app.config["PLAIN_READS"]
    keyset = _keyset(collection, stmt, query, plain)
    only = _only(collection.schema, query.fields)
    convert = None
    if plain and collection.rows is not None:
        # a `fields=` page reads only the relations its fields print
        convert = rows.hits(collection.model, collection.relations(only))
    dump = compiled(collection.schema, only)
    if media != JSON:
        if query.cursor:
            decode_cursor(query.cursor, keyset.order)  # a bad cursor is a 400 before streaming
        cap = query.limit if "limit" in request.args else None
        found = stream(keyset, cursor=query.cursor, cap=cap, convert=convert)
        return _export(media, _dumped(found, dump, query), _columns(collection.schema, only))
    page = paginate(
        keyset,
        keyset.order,
        limit=query.limit,
        cursor=query.cursor,
        total=query.count,
        convert=convert,
    )
    with expanding(query.expand):
        data = [dump(item) for item in page.items]
    if query.q is not None:
        for item, row in zip(data, page.rows, strict=True):
            item["rank"] = row.rank
    response = json_response(page.envelope(data))
    link = page.link_header()
    if link:
        response.headers["Link"] = link
    return response


# Keysets of lists, kept per app and shape of request: the list (and its parent), its filter
# parameters, the read path, expansions, search text and order, at a data version (a filter
# may bind values read from the data: the ids of the rows a rare actor filter names,
# api/queries.py few_or_any). Bounded: a keyset with its first-page, next-page and count
# statements measured 30-45 KB of RSS (a search's the larger), so the table stays under
# ~12 MB per process; a full table is emptied and refilled.
KEYSETS = "regsec.keysets"
KEYSETS_MAX = 256


def _keyset(collection: Collection, base: Base, query: ListQuery, plain: bool) -> Keyset:
    if not callable(base):
        return _build(collection, base, query, plain)
    dialect = db.reads().dialect.name
    order = tuple((k.name, k.descending) for k in query.order)
    built = (
        (base.func, base.args, tuple(base.keywords.items())) if isinstance(base, partial) else base
    )
    version = caching.data_version()
    key: tuple[Any, ...] = (built, id(collection), dialect, version, query.params, plain)
    key += (query.expand, query.q, order)
    kept: dict[tuple[Any, ...], Keyset] = current_app.extensions.setdefault(KEYSETS, {})
    found = kept.get(key)
    if found is None:
        found = _build(collection, base(), query, plain, kept=True)
        if len(kept) >= KEYSETS_MAX:
            kept.clear()
        kept[key] = found
    return found


def _build(
    collection: Collection, stmt: Select[Any], query: ListQuery, plain: bool, *, kept: bool = False
) -> Keyset:
    """The request's statement: filtered, reading plain columns or ORM objects, searched."""
    # Nothing but the search narrows the list: its matches are its rows (see Keyset._cut).
    unfiltered = stmt.whereclause is None and not query.where and len(stmt.get_final_froms()) == 1
    stmt = stmt.where(*query.where)
    if plain:
        stmt = stmt.with_only_columns(*rows.columns(collection.model))
    else:
        stmt = stmt.options(*collection.load)
        for name in query.expand:
            stmt = stmt.options(*collection.expansions[name])
    order = list(query.order)
    cut = None
    if query.q is not None:
        dialect = db.reads().dialect.name
        ranked = not query.sorted_by_client
        # SQLite joins and sorts every match; a page cut from them (Keyset._cut) reads the
        # matches twice, so they are a common table expression, computed once. Not on
        # PostgreSQL: its plan already sorts the matches by rank alone (in parallel) and
        # joins a page's worth, and the shared matches (serial) measured slower there.
        cut_here = ranked and unfiltered and dialect == "sqlite"
        matches = search.matches(dialect, collection.type, query.q, shared=cut_here)
        rank = matches.c.rank.cast(Double)
        stmt = stmt.join(matches, matches.c.subject_id == collection.model.id).add_columns(
            rank.label("rank")
        )
        if ranked:
            order = [SortKey("rank", rank, lambda row: row.rank, "float", descending=True), *order]
            cut = rank if cut_here else None
    return Keyset(stmt, order, kept=kept, cut=cut)


def _dumped(rows: Iterator[Any], dump: Dumper, query: ListQuery) -> Iterator[dict[str, Any]]:
    with expanding(query.expand):
        for row in rows:
            item = dump(row[0])
            if query.q is not None:
                item["rank"] = row.rank
            yield item


@cache
def _columns(schema: type[Schema], only: tuple[str, ...] | None) -> list[str]:
    """CSV columns: the dumped fields in order, minus the nested `links`."""
    fields = (schema(only=only) if only else schema()).dump_fields
    return [name for name in fields if name != "links"]


def _export(media: str, items: Iterator[dict[str, Any]], columns: list[str]) -> Response:
    chunks = {
        CSV: lambda: csv_lines(items, columns),
        NDJSON: lambda: ndjson_lines(items),
        GEOJSON: lambda: geojson_chunks(items),
    }[media]()
    body = stream_with_context(chunks)
    mimetype = {CSV: "text/csv", NDJSON: NDJSON, GEOJSON: GEOJSON}[media]
    response = Response(body, mimetype=mimetype)
    if media == CSV:
        response.headers["Content-Type"] = "text/csv; charset=utf-8; header=present"
    return response
