"""Full-text search documents and the data version that drives HTTP caching."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, intpk


class SearchDocument(Base):
    """One searchable text per resource: its names, summary and evidence quotes.

    Indexed by an SQLite FTS5 table (`search_fts`, external content) or, on PostgreSQL, a
    stored generated column `vector` = `to_tsvector('english', body)` with a GIN index;
    both are created by the migrations and kept out of the models because they are
    dialect-specific.
    """

    __tablename__ = "search_documents"
    __table_args__ = (Index("ix_search_documents_subject", "subject_type", "subject_id"),)

    id: Mapped[intpk]
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)


class DataVersion(Base):
    """A single row bumped whenever the data changes; ETags derive from it."""

    __tablename__ = "data_version"

    id: Mapped[intpk]
    version: Mapped[int] = mapped_column(Integer, default=1)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


# The SQLite FTS5 virtual table, for queries only (its own metadata: never created by create_all).
fts_metadata = MetaData()
search_fts = Table("search_fts", fts_metadata, Column("rowid", Integer), Column("body", Text))

# SQLite: each document's subject by the document's id (migration 0006), which a search
# names (INDEXED BY) to read the subjects of its matches without reading their bodies.
SUBJECT_BY_ID = "ix_search_documents_id_subject"

# Objects the migrations create per dialect that the models do not declare.
DIALECT_OBJECTS = frozenset(
    # PostgreSQL: the stored tsvector column of search_documents and its GIN index
    {"search_fts", "ix_search_documents_vector", "vector", SUBJECT_BY_ID}
    | {f"search_fts_{suffix}" for suffix in ("data", "idx", "content", "docsize", "config")}
)
