"""A filter on a list's related rows (a commitment's parties: `giver`, `recipient`, `party`;
a meeting's participants; an incident's actors; a country's, organization's or person's
commitments, meetings and incidents) is read in one of two ways: from the ids of the few
rows it names, or by walking the list in its order and testing each row. Which one is chosen
by how many rows the actors are in; the rows and totals are the same either way, and the ids
are never older than the data."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, inspect, select
from sqlalchemy.exc import SAWarning
from sqlalchemy.orm import Session

import models as m
from api import create_app, db, listing, queries
from api.cli import upgrade
from api.seeding import bump_version
from api.synthetic import generate
from tests.conftest import ContractClient
from tests.helpers import page_plans

# Each URL with the table it lists.
URLS = {
    "/api/v1/commitments?giver=JP&limit=2": "commitments",
    "/api/v1/commitments?recipient=PH&limit=2": "commitments",
    "/api/v1/commitments?party=VN&limit=3": "commitments",
    "/api/v1/commitments?giver__in=JP,AU&sort=-made_on&limit=2": "commitments",
    "/api/v1/commitments?recipient__not=PH&limit=4": "commitments",
    "/api/v1/commitments?giver=asean&limit=2": "commitments",
    "/api/v1/commitments?party=JP&domain=maritime_security&limit=2": "commitments",
    "/api/v1/commitments?giver=ZZ": "commitments",
    "/api/v1/countries/PH/commitments?limit=2": "commitments",
    "/api/v1/organizations/asean/commitments?limit=2": "commitments",
    "/api/v1/meetings?participant=JP&limit=2": "meetings",
    "/api/v1/meetings?participant__in=MY,asean&sort=-start_date&limit=1": "meetings",
    "/api/v1/meetings?participant=fumio-kishida&attendance=attended&limit=1": "meetings",
    "/api/v1/meetings?attendance=represented&participant_role=participant": "meetings",
    "/api/v1/meetings?participant=JP&attendance=absent": "meetings",
    "/api/v1/countries/JP/meetings?limit=2": "meetings",
    "/api/v1/organizations/asean/meetings?limit=1": "meetings",
    "/api/v1/people/fumio-kishida/meetings?limit=1": "meetings",
    "/api/v1/incidents?actor=CN&limit=1": "incidents",
    "/api/v1/incidents?actor=PH&actor_role=target&limit=1": "incidents",
    "/api/v1/incidents?actor__in=CN,japan-coast-guard&actor_role=party": "incidents",
    "/api/v1/countries/PH/incidents?limit=1": "incidents",
}


def walk(api: Any, url: str) -> tuple[int | None, list[str]]:
    """The total and every id of a list, following its next links."""
    first = api.get(url).get_json()
    found: list[str] = []
    body: dict[str, Any] | None = first
    while body is not None:
        found.extend(item["id"] for item in body["data"])
        following = body["links"]["next"]
        body = api.get(following).get_json() if following else None
    return first["meta"].get("total"), found


def planned_as(app: Flask, few: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Plan related-row filters with `few` as the most rows read by id, kept nothing."""
    monkeypatch.setattr(queries, "FEW", few)
    for kept in ("regsec.few", listing.KEYSETS, listing.PARSED):
        app.extensions.pop(kept, None)


@pytest.mark.parametrize("key", ["kind=training", "domain=maritime_security", "status=signed"])
def test_a_key_date_and_party_filter_is_tested_in_the_indexes(
    app: Flask, api: ContractClient, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    """A page filtered on a key, a date range and a giver walks the key's index in slug
    order, testing the dates in that index and the giver in the parties' index (migration
    0009): no commitment row is read to be rejected. SQLite's plan names both; PostgreSQL's
    reads the parties' index (it may walk the slug's index for the key and dates). The
    giver is planned as at scale: too many commitments to read by id."""
    planned_as(app, -1, monkeypatch)
    url = f"/api/v1/commitments?count=false&{key}&made_on__gte=2015&made_on__lte=2019&giver=JP"
    [plan] = page_plans(app, api, "commitments", [url])
    assert any("ix_commitment_parties_commitment_side_actor" in line for line in plan), plan
    column = key.split("=")[0]
    index = f"ix_commitments_{column}_sort"
    with warnings.catch_warnings():  # SQLite's expression indexes (the date sorts)
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
        indexes = inspect(db.engine(app)).get_indexes("commitments")
    [columns] = [i["column_names"] for i in indexes if i["name"] == index]
    assert columns == [column, "slug", "made_on", "made_on_end"]
    if db.engine(app).dialect.name == "sqlite":
        assert any(f"USING INDEX {index} " in line for line in plan), plan
        assert any(
            "COVERING INDEX ix_commitment_parties_commitment_side_actor" in line for line in plan
        ), plan


def test_a_related_row_filter_reads_the_same_rows_by_ids_or_by_walking(
    app: Flask, api: ContractClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    results = {}
    for few in (10**6, -1):  # every filter by ids; every filter by walking
        planned_as(app, few, monkeypatch)
        results[few] = {}
        for url, table in URLS.items():
            event.listen(db.engine(app), "before_cursor_execute", record)
            try:
                results[few][url] = walk(api, url)
            finally:
                event.remove(db.engine(app), "before_cursor_execute", record)
            # the keyset page statements (not those loading the page's relations by its keys)
            pages = [s for s in statements if s.startswith(f"SELECT {table}.id AS id,")]
            by_ids = [s for s in pages if "json_each" in s or "ANY (" in s]
            assert pages and (by_ids == pages if few > 0 else not by_ids), url
            statements.clear()
    assert results[10**6] == results[-1]
    for url, (total, found) in results[-1].items():
        assert total == len(found) == len(set(found))
        assert found or "ZZ" in url or "absent" in url, url
    assert len(results[-1]["/api/v1/commitments?giver=JP&limit=2"][1]) > 2  # several pages
    assert len(results[-1]["/api/v1/meetings?participant=JP&limit=2"][1]) > 2
    assert not results[-1]["/api/v1/meetings?participant=JP&attendance=absent"][1]


def _synthetic_app(path: Path, seed: int) -> Flask:
    url = f"sqlite:///{path}"
    upgrade(url)
    generate(url, 60, seed=seed)
    return create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False, "DATA_VERSION_TTL": 0})


def _givers(app: Flask, iso2: str) -> list[str]:
    """The slugs of the commitments `iso2` gives to, straight from the database."""
    C, P = m.Commitment, m.CommitmentParty
    query = (
        select(C.slug)
        .join(P, P.commitment_id == C.id)
        .join(m.Country, m.Country.id == P.country_id)
        .where(P.side == "giver", m.Country.iso2 == iso2)
        .distinct()
        .order_by(C.slug)
    )
    with Session(db.engine(app)) as session:
        return list(session.scalars(query))


def test_the_ids_a_filter_reads_follow_the_data(tmp_path: Path) -> None:
    """The ids are kept per app and data version: a change that bumps the version is seen
    at once, and two apps over two databases each read their own."""
    app = _synthetic_app(tmp_path / "one.sqlite3", seed=7)
    other = _synthetic_app(tmp_path / "two.sqlite3", seed=8)
    try:
        client = app.test_client()
        rare = next(iso2 for iso2 in ("JP", "US", "CN", "PH", "VN", "AU") if _givers(app, iso2))
        url = f"/api/v1/commitments?giver={rare}&limit=500"
        before = [c["id"] for c in client.get(url).get_json()["data"]]
        assert before == _givers(app, rare)
        assert len(before) <= queries.FEW  # read by ids

        with Session(db.engine(app)) as session, session.begin():
            country = session.scalars(select(m.Country).where(m.Country.iso2 == rare)).one()
            given = select(m.CommitmentParty.commitment_id).where(
                m.CommitmentParty.country_id == country.id
            )
            target = session.scalars(
                select(m.Commitment).where(m.Commitment.id.not_in(given)).limit(1)
            ).one()
            session.add(m.CommitmentParty(commitment=target, side="giver", country=country))
            added = target.slug
            bump_version(session)
        after = [c["id"] for c in client.get(url).get_json()["data"]]
        assert added in after and after == _givers(app, rare)

        theirs = [c["id"] for c in other.test_client().get(url).get_json()["data"]]
        assert theirs == _givers(other, rare) != after
    finally:
        for application in (app, other):
            db.engine(application).dispose()
