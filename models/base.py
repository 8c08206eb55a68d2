"""Declarative base, naming convention and the column types every model shares."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

from sqlalchemy import JSON, Date, Integer, MetaData, String, Text
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
