"""The seed data: every fact has verbatim evidence, keys are unique, loading is idempotent,
a malformed file is refused whole with its file, record and field named."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.orm import Session

import models as m
from api import db
from api.cli import upgrade
from api.seeding import FILES, SeedError, load_seeds, read_all
from api.verify import evidence_items, verify_quotes
from tests.conftest import SEEDS

FACT_MODELS = [
    cls
    for cls in m.Base.registry.mappers
    if issubclass(cls.class_, m.HasEvidence) and cls.class_ is not m.Country
]


def seed_records() -> list[tuple[str, dict[str, Any]]]:
    return [(name, record) for name, records, _ in read_all(SEEDS) for record in records]


def nested_records(record: dict[str, Any]) -> list[dict[str, Any]]:
    """A record and every record nested in it that must carry evidence."""
    out = [record]
    for value in record.values():
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict) and "evidence" in item:
                    out.extend(nested_records(item))
    return out


def test_every_seed_file_is_present_and_valid() -> None:
    assert [name for name, _, _ in read_all(SEEDS)] == [name for name, _, _ in FILES]
    assert all((SEEDS / name).exists() for name, _, _ in FILES)


@pytest.mark.parametrize(
    "name, record", seed_records(), ids=lambda x: x if isinstance(x, str) else x.get("id")
)
def test_every_record_and_nested_record_has_a_verbatim_quote(
    name: str, record: dict[str, Any]
) -> None:
    if name in {"sources.yaml"}:
        return  # sources are what evidence points at
    for row in nested_records(record):
        assert any(e["quote"] for e in row["evidence"]), row


def test_reference_citations_name_what_they_support() -> None:
    for name, record in seed_records():
        for _, item in evidence_items(record, name):
            if item["quote"] is None:
                assert item["supports"] != "fact" and item["note"]


def test_ids_are_unique_within_each_file() -> None:
    for name, records, _ in read_all(SEEDS):
        ids = [r["id"] for r in records]
        assert len(ids) == len(set(ids)), name


def test_every_fact_row_in_the_database_has_quoted_evidence(app: Flask) -> None:
    with Session(db.engine(app)) as session:
        for mapper in FACT_MODELS:
            model = mapper.class_
            table = model.__tablename__
            bare = session.execute(
                text(
                    f"SELECT id FROM {table} t WHERE NOT EXISTS ("
                    " SELECT 1 FROM evidence_links l JOIN evidence e ON e.id = l.evidence_id"
                    " WHERE l.subject_type = :type AND l.subject_id = t.id AND e.quote IS NOT NULL)"
                ),
                {"type": model.subject_type},
            ).all()
            assert bare == [], f"{table} rows without a quote: {bare}"


def snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    tables = inspect(session.get_bind()).get_table_names()
    return {
        t: sorted(tuple(map(str, row)) for row in session.execute(text(f"SELECT * FROM {t}")))
        for t in tables
        if t != "alembic_version"
    }


def test_loading_twice_changes_nothing(app: Flask) -> None:
    engine = db.engine(app)
    with Session(engine) as session:
        before = snapshot(session)
    with Session(engine) as session, session.begin():
        report = load_seeds(session, SEEDS)
    with Session(engine) as session:
        assert snapshot(session) == before
    assert all(c["created"] == 0 for c in report.counts.values())


def broken_copy(tmp_path: Path, file: str, edit: Any) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    records = yaml.safe_load((folder / file).read_text(encoding="utf-8"))
    edit(records)
    (folder / file).write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
    return folder


def test_a_malformed_record_names_file_record_and_field(tmp_path: Path) -> None:
    def edit(records: list[dict[str, Any]]) -> None:
        records[4]["participants"][1]["attendance"] = "sort of"

    folder = broken_copy(tmp_path, "meetings.yaml", edit)
    with pytest.raises(SeedError) as excinfo:
        read_all(folder)
    message = str(excinfo.value)
    assert "meetings.yaml" in message and "record 5" in message
    assert "participants.1.attendance" in message


def test_a_bad_reference_fails_the_whole_load_and_changes_nothing(tmp_path: Path) -> None:
    def edit(records: list[dict[str, Any]]) -> None:
        records[0]["actors"][0]["country"] = "XX"

    folder = broken_copy(tmp_path, "incidents.yaml", edit)
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade(url)
    engine = create_engine(url)
    with pytest.raises(SeedError, match=r"incidents\.yaml.*unknown country id 'XX'"):
        with Session(engine) as session, session.begin():
            load_seeds(session, folder)
    with Session(engine) as session:
        assert session.scalar(select(m.Source.id).limit(1)) is None
        assert session.scalar(select(m.Country.id).limit(1)) is None
    engine.dispose()


def test_the_seed_command_reports_what_it_loaded(runner: Any) -> None:
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "meetings.yaml: 8 records (0 created, 8 updated)" in result.output


def write_texts(folder: Path, text_body: str) -> Path:
    texts = folder / "texts"
    texts.mkdir()
    (texts / "doc.txt").write_text(text_body, encoding="utf-8")
    seeds = folder / "seeds"
    seeds.mkdir()
    (seeds / "sources.yaml").write_text(
        "- {id: doc, kind: news_article, title: Doc, document: doc.txt}\n", encoding="utf-8"
    )
    (seeds / "people.yaml").write_text(
        "- id: someone\n  name: Someone\n  evidence:\n"
        "    - {source: doc, quote: 'Someone   said\n      this', paragraph: 2}\n",
        encoding="utf-8",
    )
    return seeds


def test_verify_accepts_a_quote_modulo_whitespace(tmp_path: Path) -> None:
    seeds = write_texts(tmp_path, "Headline\n\nThen Someone said this, loudly.\n")
    result = verify_quotes(seeds, tmp_path / "texts")
    assert (result.checked, result.problems) == (1, [])


def test_verify_reports_a_quote_the_text_does_not_contain(tmp_path: Path) -> None:
    seeds = write_texts(tmp_path, "Headline\n\nThen Someone said that, loudly.\n")
    result = verify_quotes(seeds, tmp_path / "texts")
    assert len(result.problems) == 1 and "people.yaml someone" in result.problems[0]


def test_verify_reports_a_quote_in_the_wrong_paragraph(tmp_path: Path) -> None:
    seeds = write_texts(tmp_path, "Someone said this\n\nOther text.\n")
    assert len(verify_quotes(seeds, tmp_path / "texts").problems) == 1
