"""`regsec generate`: synthetic data in the real schema that the API serves like real data."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openapi_core import OpenAPI
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.orm import Session

import models as m
from api import create_app, db, synthetic
from api.cli import upgrade
from api.search import PARENTS, document_bodies
from api.synthetic import FTS_DEFAULT_HASHSIZE, GenerateError, Sizes, generate
from api.v1.common import partial_end
from tests.conftest import ContractClient
from tests.helpers import all_items

N = 200
SEED = 7
# Every fact table (countries are reference data: the generator adds no evidence to them).
FACTS: list[Any] = [
    model
    for model in m.Base.registry._class_registry.values()
    if isinstance(model, type) and issubclass(model, m.HasEvidence) and model is not m.Country
]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at head, copied for each test that needs a fresh one."""
    path = tmp_path_factory.mktemp("template") / "migrated.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture()
def fresh(migrated: Path, tmp_path: Path) -> Callable[[str], str]:
    def make(name: str) -> str:
        shutil.copyfile(migrated, tmp_path / name)
        return f"sqlite:///{tmp_path / name}"

    return make


@pytest.fixture(scope="module")
def url(migrated: Path) -> str:
    path = migrated.with_name("synthetic.sqlite3")
    shutil.copyfile(migrated, path)
    url = f"sqlite:///{path}"
    generate(url, N, seed=SEED, check=True)
    return url


@pytest.fixture(scope="module")
def engine(url: str) -> Iterator[Engine]:
    engine = create_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def synthetic_app(url: str) -> Iterator[Flask]:
    app = create_app(
        {"DATABASE_URL": url, "RATELIMIT_ENABLED": False, "SECRET_KEY": "test", "TESTING": True}
    )
    yield app
    db.engine(app).dispose()


@pytest.fixture()
def api(synthetic_app: Flask, openapi: OpenAPI) -> ContractClient:
    """A client over the synthetic database whose responses must match openapi.yaml."""
    return ContractClient(synthetic_app.test_client(), openapi)


def count(engine: Engine, model: Any) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(model)) or 0)


def test_counts_are_as_asked_and_in_proportion(engine: Engine, api: ContractClient) -> None:
    sizes = Sizes(N)
    assert count(engine, m.Commitment) == N
    assert count(engine, m.Meeting) == sizes.meetings == N // 10
    assert count(engine, m.Incident) == sizes.incidents == N // 20
    assert count(engine, m.Source) == sizes.sources
    assert api.get("/api/v1/commitments?limit=1").get_json()["meta"]["total"] == N
    assert api.get("/api/v1/meetings?limit=1").get_json()["meta"]["total"] == N // 10
    assert api.get("/api/v1/incidents?limit=1").get_json()["meta"]["total"] == N // 20
    assert count(engine, m.MeetingParticipant) >= 2 * sizes.meetings
    assert count(engine, m.IncidentActor) == 2 * sizes.incidents
    assert count(engine, m.CommitmentParty) >= N + N * 0.9  # a giver, and mostly a recipient
    assert count(engine, m.CommitmentStatusEvent) >= N


@pytest.mark.parametrize("model", FACTS, ids=lambda model: model.__tablename__)
def test_every_fact_row_has_evidence(engine: Engine, model: Any) -> None:
    link = m.EvidenceLink
    linked = select(link.id).where(
        link.subject_type == model.subject_type, link.subject_id == model.id
    )
    with engine.connect() as conn:
        missing = conn.scalar(select(func.count()).where(~linked.exists()).select_from(model))
    assert missing == 0


def test_relations_are_valid(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        # The generic links point at rows that exist, of the type they name.
        for model in FACTS:
            link = m.EvidenceLink
            dangling = conn.scalar(
                select(func.count())
                .select_from(link)
                .where(link.subject_type == model.subject_type)
                .where(~select(model.id).where(model.id == link.subject_id).exists())
            )
            assert dangling == 0, model.subject_type
        # Every subject type linked is one the search rolls up (or a resource itself).
        types = set(conn.scalars(select(m.EvidenceLink.subject_type).distinct()))
        assert types <= {model.subject_type for model in FACTS}
        assert set(PARENTS) <= types | {"dispute_feature", "incident_account"}


def test_partial_dates_are_consistent(engine: Engine) -> None:
    columns = [
        (m.Commitment, "made_on"),
        (m.Meeting, "start_date"),
        (m.Incident, "occurred_on"),
        (m.Role, "until"),
    ]
    with Session(engine) as session:
        for model, name in columns:
            rows = session.execute(
                select(
                    getattr(model, name),
                    getattr(model, f"{name}_precision"),
                    getattr(model, f"{name}_end"),
                )
            ).all()
            precisions = {p for _, p, _ in rows}
            assert precisions <= {"day", "month", "year", "unknown"}
            for start, precision, end in rows:
                assert (start is None) == (precision == "unknown")
                assert end == partial_end(start, precision)
        # Every precision occurs at this size.
        made = set(session.scalars(select(m.Commitment.made_on_precision)))
        assert made == {"day", "month", "year", "unknown"}


def test_a_few_countries_dominate(engine: Engine) -> None:
    with engine.connect() as conn:
        givers = conn.execute(
            select(m.Country.iso2, func.count())
            .join(m.CommitmentParty, m.CommitmentParty.country_id == m.Country.id)
            .where(m.CommitmentParty.side == "giver")
            .group_by(m.Country.iso2)
            .order_by(func.count().desc())
        ).all()
    total = sum(n for _, n in givers)
    top_three = sum(n for _, n in givers[:3])
    assert givers[0][0] in ("JP", "US", "CN")  # the head of the Zipf ranking
    assert top_three > 0.35 * total
    assert len(givers) > 20  # and a long tail


def test_search_documents_are_what_the_app_would_build(engine: Engine) -> None:
    with Session(engine) as session:
        expected = document_bodies(session)
        stored = {
            (d.subject_type, d.subject_id): d.body
            for d in session.scalars(select(m.SearchDocument))
        }
    assert stored == expected


def test_the_search_index_is_what_a_plain_rebuild_makes(
    fresh: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The load rebuilds the FTS5 index with another write buffer size (api/synthetic.py
    FTS_REBUILD_HASHSIZE; here a tiny one, so that these few documents make many segments
    to merge): the index answers as one built with the default, which the load leaves
    configured."""
    monkeypatch.setattr(synthetic, "FTS_REBUILD_HASHSIZE", 4096)
    url = fresh("fts.sqlite3")
    generate(url, 300, seed=SEED)
    ranked = text(
        "SELECT rowid, bm25(search_fts) FROM search_fts WHERE search_fts MATCH :q ORDER BY rowid"
    )
    queries = ["maritime", "patrol vessels", "coast guard", "japan"]
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')"))
            config: dict[str, Any] = dict(
                conn.execute(text("SELECT k, v FROM search_fts_config")).all()
            )
            loaded = {q: conn.execute(ranked, {"q": q}).all() for q in queries}
            conn.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
            rebuilt = {q: conn.execute(ranked, {"q": q}).all() for q in queries}
    finally:
        engine.dispose()
    assert config.get("hashsize", FTS_DEFAULT_HASHSIZE) == FTS_DEFAULT_HASHSIZE
    assert all(loaded[q] for q in queries)
    assert loaded == rebuilt


def test_first_page_and_the_next_one(api: ContractClient) -> None:
    first = api.get("/api/v1/commitments").get_json()
    assert len(first["data"]) == 50
    item = first["data"][0]
    assert item["givers"][0]["party"]["type"] in ("country", "organization")
    second = api.get(first["links"]["next"]).get_json()
    assert {i["id"] for i in first["data"]}.isdisjoint(i["id"] for i in second["data"])
    assert len(all_items(api, "/api/v1/commitments?limit=500&count=false")) == N


def test_filtered_page_matches_the_database(api: ContractClient, engine: Engine) -> None:
    url = "/api/v1/commitments?giver=JP&made_on__gte=2005&made_on__lte=2025&limit=500"
    items = all_items(api, url)
    assert items
    for item in items:
        assert "JP" in [g["party"]["id"] for g in item["givers"]]
        assert item["made_on"] is not None and "2005" <= item["made_on"][:4] <= "2025"
    c, p = m.Commitment, m.CommitmentParty
    with engine.connect() as conn:
        expected = conn.scalar(
            select(func.count())
            .select_from(c)
            .where(
                c.parties.any((p.side == "giver") & p.country.has(m.Country.iso2 == "JP")),
                c.made_on_end >= dt.date(2005, 1, 1),
                c.made_on <= dt.date(2025, 12, 31),
            )
        )
    assert len(items) == expected
    domain = api.get(f"{url}&domain=maritime_security").get_json()["data"]
    assert all(i["domain"] == "maritime_security" for i in domain)


def test_search_finds_synthetic_text(api: ContractClient) -> None:
    body = api.get("/api/v1/commitments?q=patrol vessels").get_json()
    assert body["data"]
    assert all("rank" in item for item in body["data"])
    assert all("patrol vessels" in item["title"].lower() for item in body["data"])


def test_detail_carries_evidence_and_expansions(api: ContractClient) -> None:
    first = api.get("/api/v1/commitments?limit=1").get_json()["data"][0]
    detail = api.get(f"/api/v1/commitments/{first['id']}").get_json()
    assert detail["evidence"] and detail["evidence"][0]["quote"]
    assert detail["evidence"][0]["source"]["id"].startswith("syn-source-")
    assert all(g["evidence"] for g in detail["givers"])
    assert all(e["evidence"] for e in detail["status_history"])
    expanded = api.get("/api/v1/commitments?expand=givers&limit=5").get_json()["data"]
    assert all(len(g["party"]) > 4 for item in expanded for g in item["givers"])  # not compact


def test_meetings_and_incidents_are_served(api: ContractClient) -> None:
    meeting = api.get("/api/v1/meetings?limit=1").get_json()["data"][0]
    detail = api.get(f"/api/v1/meetings/{meeting['id']}").get_json()
    assert len(detail["participants"]) >= 2 and detail["evidence"]
    incident = api.get("/api/v1/incidents?limit=1").get_json()["data"][0]
    assert api.get(f"/api/v1/incidents/{incident['id']}").get_json()["evidence"]


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
                for table in ("commitments", "commitment_parties", "evidence", "evidence_links")
            }
    finally:
        engine.dispose()


def test_the_same_seed_gives_the_same_rows(url: str, fresh: Callable[[str], str]) -> None:
    again = fresh("again.sqlite3")
    generate(again, N, seed=SEED)
    assert snapshot(again) == snapshot(url)
    other = fresh("other.sqlite3")
    generate(other, N, seed=SEED + 1)
    assert snapshot(other)["commitments"] != snapshot(url)["commitments"]


def test_nulls_and_flags_are_stored_as_the_app_stores_them(engine: Engine) -> None:
    """The load binds None and booleans through its own adapters (api/synthetic.py
    PLAIN_ADAPTERS): what lands is SQL NULL and the integers 0 and 1, as through the ORM."""
    with engine.connect() as conn:
        flags = conn.execute(
            text(
                "SELECT typeof(approximate), approximate, count(*) FROM commitment_amounts "
                "GROUP BY 1, 2 ORDER BY 2"
            )
        ).all()
        unknown = conn.execute(
            text("SELECT typeof(made_on), count(*) FROM commitments WHERE made_on IS NULL")
        ).one()
    assert [(kind, value) for kind, value, _n in flags] == [("integer", 0), ("integer", 1)]
    assert unknown[0] == "null" and unknown[1] > 0


def test_the_load_leaves_the_sqlite3_adapters_as_it_found_them(
    fresh: Callable[[str], str],
) -> None:
    before = dict(sqlite3.adapters)
    url = fresh("adapters.sqlite3")
    generate(url, 20)
    assert sqlite3.adapters == before
    # One registered by someone else is put back, after a failed load too.
    key = (bool, sqlite3.PrepareProtocol)
    sqlite3.register_adapter(bool, str)
    try:
        with pytest.raises(GenerateError, match="--replace"):
            generate(url, 20)
        assert sqlite3.adapters[key] is str
    finally:
        sqlite3.adapters.pop(key, None)
    assert sqlite3.adapters == before


def test_refuses_to_add_to_synthetic_data_unless_replacing(fresh: Callable[[str], str]) -> None:
    url = fresh("twice.sqlite3")
    generate(url, 50)
    with pytest.raises(GenerateError, match="--replace"):
        generate(url, 50)
    generate(url, 60, replace=True, check=True)
    engine = create_engine(url)
    try:
        assert count(engine, m.Commitment) == 60
        with Session(engine) as session:  # no documents of the replaced rows remain
            assert count(engine, m.SearchDocument) == len(document_bodies(session))
    finally:
        engine.dispose()


def test_the_cli_command(fresh: Callable[[str], str]) -> None:
    url = fresh("cli.sqlite3")
    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    result = app.test_cli_runner().invoke(args=["generate", "--commitments", "30", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "commitments" in result.output and "total" in result.output
    again = app.test_cli_runner().invoke(args=["generate", "--commitments", "30"])
    assert again.exit_code == 1 and "--replace" in again.output
    db.engine(app).dispose()
