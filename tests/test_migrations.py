"""The Alembic history builds the whole schema, and it matches the models."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, create_engine, inspect

import models
from api.cli import upgrade

# The sort keys' indexes (migrations 0005, 0008) are on expressions (a date's sort key, a
# descending column), which neither SQLAlchemy's reflection nor Alembic's comparison reads
# (each says so in a warning): they are compared by name below instead.
SORT_INDEXES = {
    f"ix_{table}_{column}_sort{suffix}"
    for table, column in (
        ("commitments", "made_on"),
        ("commitments", "kind"),
        ("commitments", "domain"),
        ("commitments", "status"),
        ("commitments", "title"),
        ("meetings", "start_date"),
        ("meetings", "kind"),
        ("meetings", "title"),
        ("incidents", "occurred_on"),
        ("incidents", "kind"),
        ("incidents", "title"),
    )
    for suffix in ("", "_desc")
}


def migration_context(conn: Connection) -> MigrationContext:
    """Compare like `alembic check` does, minus the dialect-specific search objects."""
    return MigrationContext.configure(
        conn,
        opts={"include_object": lambda obj, name, *_: name not in models.DIALECT_OBJECTS},
    )


def compare(conn: Connection) -> list[Any]:
    """Alembic's differences between the database and the models; and the expression
    indexes, which it skips, by name."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*expression-based index")
        diff = list(compare_metadata(migration_context(conn), models.Base.metadata))
    declared = {
        index.name
        for table in models.Base.metadata.tables.values()
        for index in table.indexes
        if index.name in SORT_INDEXES
    }
    assert declared == SORT_INDEXES
    if conn.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index'"
    else:
        query = "SELECT indexname FROM pg_indexes"
    present = set(conn.exec_driver_sql(query).scalars())
    return diff + [("missing index", name) for name in sorted(SORT_INDEXES - present)]


def test_upgrade_head_on_an_empty_database_matches_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare(conn)
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    assert diff == []
    assert set(models.Base.metadata.tables) <= tables


def test_the_test_database_was_migrated_and_matches_the_models(
    database_url: str, app: object
) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        diff = compare(conn)
    engine.dispose()
    assert diff == []


def test_the_search_index_exists_for_the_dialect(database_url: str, app: object) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        inspector = inspect(conn)
        if engine.dialect.name == "sqlite":
            assert "search_fts" in inspector.get_table_names()
            names = {i["name"] for i in inspector.get_indexes("search_documents")}
            assert models.search.SUBJECT_BY_ID in names
        else:
            names = {i["name"] for i in inspector.get_indexes("search_documents")}
            assert "ix_search_documents_vector" in names
            columns = {c["name"] for c in inspector.get_columns("search_documents")}
            assert "vector" in columns
    engine.dispose()
