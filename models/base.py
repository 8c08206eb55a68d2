"""Declarative base, naming convention and the column types every model shares."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    func,
    literal_column,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import DeclarativeBase, mapped_column

# Every constraint gets a deterministic name so that SQLite (batch mode) and
# PostgreSQL migrations address the same objects.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, object]: JSON, list[str]: JSON}

    def __repr__(self) -> str:
        key = getattr(self, "slug", None) or getattr(self, "id", None)
        return f"<{type(self).__name__} {key!r}>"


class DatePrecision(enum.StrEnum):
    """How much of a date is known; a partial date covers the whole interval."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    UNKNOWN = "unknown"


intpk = Annotated[int, mapped_column(Integer, primary_key=True)]
slug = Annotated[str, mapped_column(String(120), unique=True, index=True)]
name = Annotated[str, mapped_column(String(300))]
text = Annotated[str | None, mapped_column(Text)]
enum_str = Annotated[str, mapped_column(String(40))]
optional_date = Annotated[dt.date | None, mapped_column(Date)]
precision = Annotated[str, mapped_column(String(10), default=DatePrecision.UNKNOWN.value)]
as_stated = Annotated[str | None, mapped_column(String(120))]


# Unknown dates sort last ascending and first descending: a list sorted by a nullable date
# orders by coalesce(date, '9999-12-31'), then by slug. The literal is part of the SQL text
# (not a bound parameter) so that the database matches the expression to its index.
LAST_DAY = "9999-12-31"


def date_sort_key(column: Any) -> ColumnElement[Any]:
    """The sort key of a nullable date column, as listed and as indexed."""
    return func.coalesce(column, literal_column(f"'{LAST_DAY}'", type_=Date))


def sort_indexes(
    table: str, column: Any, slug: Any, key: Any = None, carry: tuple[Any, ...] = ()
) -> tuple[Index, Index]:
    """Both orders a list pages in by `column` (its sort `key`, the column itself unless
    given; ascending or descending, the slug ascending after it), each read straight from
    an index instead of sorting the whole table. The ascending one also serves an equality
    filter on the column, in slug order, and `carry`s columns after the slug that such a
    filter's other conditions test: the database checks them in the index and reads the
    row only when they hold (migration 0009)."""
    key = column if key is None else key
    name = f"ix_{table}_{column.key}_sort"
    return Index(name, key, slug, *carry), Index(f"{name}_desc", key.desc(), slug)


def date_sort_indexes(table: str, column: Any, slug: Any) -> tuple[Index, Index]:
    """`sort_indexes` of a nullable date: on its sort key."""
    return sort_indexes(table, column, slug, date_sort_key(column))


def present_key_index(table: str, column: str) -> Index:
    """An index on an optional actor key (a participant's organization, say) over the rows
    that have one. A filter on that actor reads it (api/queries.py few_or_any); unpartial,
    a column NULL in every row (no organization among 339,302 generated participants) told
    SQLite's planner that one key matched every row, and it scanned the table instead."""
    present = sql_text(f"{column} IS NOT NULL")
    return Index(f"ix_{table}_{column}", column, sqlite_where=present, postgresql_where=present)
