"""The filter grammar every collection shares: `field=value` and `field__op=value`.

A resource declares its filters in a few lines (a mapping of public name -> filter);
parsing, validation and the SQL they become live here, once.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, String, and_, false, not_, or_, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from .v1.common import parse_partial

OPERATORS = ("in", "not", "gt", "gte", "lt", "lte", "contains", "startswith", "isnull")
MAX_LIST = 100

MAX_SLUG = 120

# Whole values only (`fullmatch`): `$` would also let a trailing newline through.
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ISO2_RE = re.compile(r"[A-Za-z]{2}")
# ASCII digits only: `\d` would also take other scripts' digits.
PARTIAL_RE = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?")


class FilterError(ValueError):
    """A value or operator a filter cannot take; the message is the reason shown to clients."""


def partial_interval(raw: str) -> tuple[dt.date, dt.date, str]:
    """A partial date (`2024`, `2024-06`, `2024-06-17`) as the first and last day it covers
    and its precision; raises FilterError unless it names a real day, month or year
    (0001 to 9999)."""
    if not PARTIAL_RE.fullmatch(raw):
        raise FilterError("Must be a date: YYYY, YYYY-MM or YYYY-MM-DD.")
    try:
        lo, precision = parse_partial(raw)
    except ValueError:
        raise FilterError("Must be a real date: YYYY, YYYY-MM or YYYY-MM-DD.") from None
    if precision == "day":
        return lo, lo, precision
    last_month = lo.month if precision == "month" else 12
    last_day = calendar.monthrange(lo.year, last_month)[1]  # no overflow past 9999-12-31
    return lo, dt.date(lo.year, last_month, last_day), precision


def full_date(raw: str) -> dt.date:
    """A real day written YYYY-MM-DD; raises FilterError otherwise."""
    try:
        day, _, precision = partial_interval(raw)
    except FilterError:
        precision = ""
    if precision != "day":
        raise FilterError("Must be a full date, YYYY-MM-DD.")
    return day


def _split(raw: str) -> list[str]:
    values = [v.strip() for v in raw.split(",")]
    if not values or any(v == "" for v in values):
        raise FilterError("Give a comma-separated list of non-empty values.")
    if len(values) > MAX_LIST:
        raise FilterError(f"At most {MAX_LIST} values.")
    return values


def _bool(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise FilterError("Must be true or false.")


@dataclass(frozen=True)
class Filter:
    """Base: which operators a filter takes and how a value becomes SQL."""

    ops: frozenset[str] = field(default_factory=frozenset)
    description: str = ""
    # Filters of one group are conditions on the same related row, combined in one EXISTS
    # (`participant=MM&attendance=absent`: MM's own row says absent).
    group: str = ""

    def parse(self, raw: str) -> Any:
        return raw

    def compare(self, op: str, value: Any) -> ColumnElement[bool]:
        raise NotImplementedError  # every concrete filter overrides this

    def is_null(self) -> ColumnElement[bool]:
        raise FilterError("This field is never null.")

    def probe(self, op: str, raw: str) -> ColumnElement[bool]:
        """The same condition as `where`, in the form an index on the row's own columns
        answers (a group's rows are first looked up with it: api/queries.py few_or_any)."""
        return self.where(op, raw)

    def where(self, op: str, raw: str) -> ColumnElement[bool]:
        if op == "isnull":
            wanted = _bool(raw)
            clause = self.is_null()
            return clause if wanted else not_(clause)
        if op == "in":
            values = [self.parse(v) for v in _split(raw)]
            return or_(*(self.compare("eq", v) for v in values))
        if op == "not":
            values = [self.parse(v) for v in _split(raw)]
            return and_(*(not_(self.compare("eq", v)) for v in values))
        return self.compare(op, self.parse(raw))


class Folded(FunctionElement[str]):
    """A text folded to lower case letter by letter: PostgreSQL's lower(); on SQLite the
    app's unicode_lower() (api/db.py), Python's str.lower()."""

    type = String()
    name = "folded"
    inherit_cache = True


@compiles(Folded)
def _folded(element: Folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(Folded, "sqlite")
def _folded_sqlite(element: Folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"unicode_lower({compiler.process(element.clauses, **kw)})"


@dataclass(frozen=True)
class Text(Filter):
    """A text column: equality, case-insensitive `contains` / `startswith`.
    `%` and `_` in a value match themselves, never as wildcards."""

    column: Any = None
    nullable: bool = True
    ops: frozenset[str] = frozenset({"eq", "in", "not", "contains", "startswith", "isnull"})

    def parse(self, raw: str) -> str:
        if len(raw) > 200:
            raise FilterError("At most 200 characters.")
        return raw

    def where(self, op: str, raw: str) -> ColumnElement[bool]:
        if op in ("in", "not"):
            # Plain equality: an item of any length is just a value no row has (the URL
            # length limit bounds the list), so only the 200-character cap of a single
            # value and of `contains` / `startswith` patterns applies elsewhere.
            clauses = [self.compare("eq", v) for v in _split(raw)]
            return or_(*clauses) if op == "in" else and_(*(not_(c) for c in clauses))
        return super().where(op, raw)

    def compare(self, op: str, value: str) -> ColumnElement[bool]:
        if op in ("contains", "startswith") and not value.isascii():
            # SQLite's lower() and LIKE fold ASCII letters only (`TÜRK` would miss
            # "Türkiye"): both sides folded by Unicode's rules. An ASCII value keeps the
            # built-in lower(), several times cheaper on a scan of the whole table.
            folded = Folded(self.column)
            if op == "contains":
                return folded.contains(value.lower(), autoescape=True)
            return folded.startswith(value.lower(), autoescape=True)
        if op == "contains":
            return self.column.icontains(value, autoescape=True)  # type: ignore[no-any-return]
        if op == "startswith":
            return self.column.istartswith(value, autoescape=True)  # type: ignore[no-any-return]
        return self.column == value  # type: ignore[no-any-return]

    def is_null(self) -> ColumnElement[bool]:
        return self.column.is_(None) if self.nullable else false()


@dataclass(frozen=True)
class Choice(Filter):
    """An enumeration: the value must be one of the documented choices."""

    column: Any = None
    choices: tuple[str, ...] = ()
    ops: frozenset[str] = frozenset({"eq", "in", "not"})

    def parse(self, raw: str) -> str:
        if raw not in self.choices:
            raise FilterError(f"Must be one of: {', '.join(self.choices)}.")
        return raw

    def compare(self, op: str, value: str) -> ColumnElement[bool]:
        return self.column == value  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Number(Filter):
    """An integer column with comparisons."""

    column: Any = None
    ops: frozenset[str] = frozenset({"eq", "in", "not", "gt", "gte", "lt", "lte", "isnull"})

    def parse(self, raw: str) -> int:
        if not re.fullmatch(r"-?\d{1,12}", raw):
            raise FilterError("Must be an integer.")
        return int(raw)

    def compare(self, op: str, value: int) -> ColumnElement[bool]:
        c = self.column
        return {  # type: ignore[no-any-return]
            "eq": lambda: c == value,
            "gt": lambda: c > value,
            "gte": lambda: c >= value,
            "lt": lambda: c < value,
            "lte": lambda: c <= value,
        }[op]()

    def is_null(self) -> ColumnElement[bool]:
        return self.column.is_(None)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Flag(Filter):
    """A boolean column."""

    column: Any = None
    ops: frozenset[str] = frozenset({"eq"})

    def parse(self, raw: str) -> bool:
        return _bool(raw)

    def compare(self, op: str, value: bool) -> ColumnElement[bool]:
        return self.column.is_(true()) if value else self.column.is_(false())  # type: ignore[no-any-return]


@dataclass(frozen=True)
class PartialDate(Filter):
    """A partial date stored as the interval it covers, [start, end].

    A value may itself be partial (`2024`, `2024-06`, `2024-06-17`) and stands for its
    interval too. `eq` matches facts whose interval overlaps the value's; `gte` those that
    may fall on or after its start; `lte` those that may fall on or before its end; `gt`
    and `lt` those that may fall strictly after its end / before its start. Facts with an
    unknown date match only `isnull=true`.
    """

    start: Any = None
    end: Any = None
    ops: frozenset[str] = frozenset({"eq", "in", "not", "gt", "gte", "lt", "lte", "isnull"})

    def parse(self, raw: str) -> tuple[dt.date, dt.date]:
        lo, hi, _ = partial_interval(raw)
        return lo, hi

    def compare(self, op: str, value: tuple[dt.date, dt.date]) -> ColumnElement[bool]:
        lo, hi = value
        if op == "eq":
            return and_(self.start <= hi, self.end >= lo)
        clause: ColumnElement[bool] = {
            "gte": self.end >= lo,
            "gt": self.end > hi,
            "lte": self.start <= hi,
            "lt": self.start < lo,
        }[op]
        return clause

    def is_null(self) -> ColumnElement[bool]:
        return self.start.is_(None)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Related(Filter):
    """A relation filtered by the related resource's public id.

    `ids` says which ids it takes: `country` (ISO alpha-2, any case), `slug`, or `actor`
    (a two-letter value is a country code, anything longer an organization or person slug)
    or `currency` (ISO 4217, any case).
    """

    build: Callable[[list[str]], ColumnElement[bool]] | None = None
    # `build`'s condition on the row's own key columns (`country_id IN (SELECT id ...)`),
    # where `build` follows the relation (`country.has(...)`): see Filter.probe.
    by_key: Callable[[list[str]], ColumnElement[bool]] | None = None
    ids: str = "slug"
    ops: frozenset[str] = frozenset({"eq", "in", "not"})

    def parse(self, raw: str) -> str:
        if self.ids == "currency":
            if not re.fullmatch(r"[A-Za-z]{3}", raw):
                raise FilterError("Must be an ISO 4217 currency code.")
            return raw.upper()
        if self.ids == "country" or (self.ids == "actor" and len(raw) == 2):
            if not ISO2_RE.fullmatch(raw):
                raise FilterError("Must be an ISO 3166-1 alpha-2 code.")
            return raw.upper()
        if len(raw) > MAX_SLUG or not SLUG_RE.fullmatch(raw):
            raise FilterError("Must be an id (lower-case slug).")
        return raw

    def compare(self, op: str, value: str) -> ColumnElement[bool]:
        assert self.build is not None
        return self.build([value])

    def where(self, op: str, raw: str) -> ColumnElement[bool]:
        assert self.build is not None
        if op in ("eq", "in"):
            values = [self.parse(v) for v in (_split(raw) if op == "in" else [raw])]
            return self.build(values)
        if op == "not":
            return not_(self.build([self.parse(v) for v in _split(raw)]))
        return super().where(op, raw)

    def probe(self, op: str, raw: str) -> ColumnElement[bool]:
        # eq and in only: a negated key condition is NULL, not true, on a row whose key
        # column is NULL (another kind of actor), where the negated EXISTS is true.
        if self.by_key is not None and op in ("eq", "in"):
            return self.by_key([self.parse(v) for v in (_split(raw) if op == "in" else [raw])])
        return self.where(op, raw)


@dataclass(frozen=True)
class AsOf(Filter):
    """Rows in force on a day: not before `since` starts, not after `until` ends.
    Unknown bounds are open (a membership with no known end is still in force)."""

    since: Any = None
    until_end: Any = None
    ops: frozenset[str] = frozenset({"eq"})

    def parse(self, raw: str) -> dt.date:
        return full_date(raw)

    def compare(self, op: str, value: dt.date) -> ColumnElement[bool]:
        return and_(
            or_(self.since.is_(None), self.since <= value),
            or_(self.until_end.is_(None), self.until_end >= value),
        )


def split_ids(values: list[str]) -> tuple[list[str], list[str]]:
    """Country codes and slugs of an `actor` filter's values."""
    return [v for v in values if len(v) == 2], [v for v in values if len(v) != 2]


# How a group's conditions become one clause on the listed rows: (relationship, conditions,
# the same conditions as Filter.probe gives them, the group's parameters as a key).
Combine = Callable[
    [Any, list[ColumnElement[bool]], list[ColumnElement[bool]], tuple[Any, ...]],
    ColumnElement[bool],
]


def parse_filters(
    filters: Mapping[str, Filter],
    params: Mapping[str, str],
    groups: Mapping[str, Any] | None = None,
    combine: Combine | None = None,
) -> tuple[list[ColumnElement[bool]], list[dict[str, str]]]:
    """Turn `name[__op]=value` parameters into SQL clauses, collecting every error.
    `groups` maps a filter group to the relationship whose rows its conditions describe;
    `combine` makes the group's one clause (api/queries.py few_or_any: a related row
    matching them all, looked up by id when few)."""
    clauses: list[ColumnElement[bool]] = []
    grouped: dict[str, list[tuple[ColumnElement[bool], ColumnElement[bool], str, str]]] = {}
    errors: list[dict[str, str]] = []
    for param, raw in params.items():
        name, _, op = param.partition("__")
        op = op or "eq"
        flt = filters.get(name)
        if flt is None:
            errors.append({"name": param, "reason": "Unknown query parameter."})
            continue
        if raw == "":
            errors.append({"name": param, "reason": "Give a value."})
            continue
        if op not in flt.ops:
            allowed = ", ".join(sorted(flt.ops - {"eq"})) or "none"
            reason = (
                f"Unknown operator '{op}'." if op not in OPERATORS else f"'{op}' not allowed here."
            )
            errors.append({"name": param, "reason": f"{reason} Operators for {name}: {allowed}."})
            continue
        try:
            clause = flt.where(op, raw)
        except FilterError as exc:
            errors.append({"name": param, "reason": str(exc)})
            continue
        if flt.group:
            grouped.setdefault(flt.group, []).append((clause, flt.probe(op, raw), param, raw))
        else:
            clauses.append(clause)
    if errors:
        return clauses, errors  # a 400: no group's rows are looked up
    for group, members in grouped.items():
        assert groups is not None and combine is not None, "a grouped filter needs both"
        conditions = [member[0] for member in members]
        probes = [member[1] for member in members]
        key = (group, *sorted((param, raw) for _, _, param, raw in members))
        clauses.append(combine(groups[group], conditions, probes, key))
    return clauses, errors


def describe(filters: Mapping[str, Filter]) -> Sequence[tuple[str, str]]:
    """(name, operators) pairs, for docs and tests."""
    return [(name, ",".join(sorted(f.ops))) for name, f in filters.items()]
