"""`regsec generate` on PostgreSQL: COPY in one transaction, the search documents in a
second session (api/synthetic.py PostgresWriter). Each test loads a database of its own,
created beside the one in TEST_DATABASE_URL and dropped after; on SQLite they skip (the
SQLite load is tested in tests/test_synthetic.py)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, func, make_url, select, text
from sqlalchemy.orm import Session

import api.synthetic as synthetic
import models as m
from api.cli import upgrade
from api.search import document_bodies
from api.synthetic import GenerateError, generate
from tests.test_migrations import compare

N = 120


@pytest.fixture()
def fresh(database_url: str) -> Iterator[Callable[[], str]]:
    """Make migrated, empty PostgreSQL databases on the test server; drop them after."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: the load's COPY and its second session")
    server = create_engine(
        make_url(database_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    made: list[str] = []

    def make() -> str:
        name = f"regsec_generate_{os.getpid()}_{len(made)}"
        with server.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        made.append(name)
        url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        return url

    yield make
    with server.connect() as conn:
        for name in made:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    server.dispose()


def counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                model.__tablename__: int(conn.scalar(select(func.count()).select_from(model)) or 0)
                for model in (m.Commitment, m.SearchDocument, m.Evidence, m.EvidenceLink)
            }
    finally:
        engine.dispose()


def searchable(engine: Engine) -> tuple[dict[Any, str], dict[Any, str], int, bool]:
    """The stored documents, what the app would build, the matches of a word of the first
    synthetic commitment's title, and whether the GIN index is there."""
    with Session(engine) as session:
        stored = {
            (d.subject_type, d.subject_id): d.body
            for d in session.scalars(select(m.SearchDocument))
        }
        title = session.scalars(
            select(m.Commitment.title).where(m.Commitment.slug.startswith("syn-")).limit(1)
        ).one()
        word = max(title.split(), key=len)
        matches = session.execute(
            text(
                "SELECT count(*) FROM search_documents "
                "WHERE vector @@ plainto_tsquery('english', :word)"
            ),
            {"word": word},
        ).scalar_one()
        gin = session.execute(
            text("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_search_documents_vector'")
        ).scalar_one()
        return stored, document_bodies(session), int(matches), gin == 1


def test_the_load_matches_the_models_and_its_documents_are_searchable(
    fresh: Callable[[], str],
) -> None:
    url = fresh()
    report = generate(url, N, seed=3)
    # The documents went through the second session, which also re-created their indexes.
    assert "search documents: COPY (second session)" in report.steps
    assert report.rows["search_documents"] > N
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert compare(conn) == []  # every index and constraint is back
        stored, expected, matches, gin = searchable(engine)
        assert stored == expected
        assert matches > 0 and gin
    finally:
        engine.dispose()


def test_replacing_loads_in_one_session(fresh: Callable[[], str]) -> None:
    url = fresh()
    generate(url, N)
    with pytest.raises(GenerateError, match="--replace"):
        generate(url, N)
    report = generate(url, N + 10, replace=True)
    assert "search documents: COPY (second session)" not in report.steps
    after = counts(url)
    assert after["commitments"] == N + 10
    engine = create_engine(url)
    try:
        stored, expected, matches, gin = searchable(engine)
        assert stored == expected  # no document of a replaced row is left
        assert matches > 0 and gin
    finally:
        engine.dispose()


def test_a_failed_load_leaves_no_rows_in_either_session(
    fresh: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = fresh()
    empty = counts(url)

    def fail(conn: Any) -> None:
        raise RuntimeError("the main session fails before it commits")

    monkeypatch.setattr(synthetic, "_bump_version", fail)
    with pytest.raises(RuntimeError, match="main session"):
        generate(url, N)
    assert counts(url) == empty  # the second session rolled back its documents too


def test_a_failure_in_the_second_session_fails_the_load(
    fresh: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = fresh()
    empty = counts(url)
    copy_rows = synthetic.copy_rows

    def fail_documents(conn: Any, table: str, columns: Any, rows: Any) -> None:
        if table == "search_documents":
            raise RuntimeError("documents refused")
        copy_rows(conn, table, columns, rows)

    monkeypatch.setattr(synthetic, "copy_rows", fail_documents)
    with pytest.raises(GenerateError, match="search documents' session failed"):
        generate(url, N)
    assert counts(url) == empty
