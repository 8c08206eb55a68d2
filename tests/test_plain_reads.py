"""The plain read path (api/rows.py) answers exactly what the ORM path answers.

Every URL is asked of two apps over the same database: the default one (plain rows where a
resource declares them) and one with PLAIN_READS off (ORM objects throughout). Bodies must
be byte-for-byte equal, on the seed data and on a larger synthetic data set.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session

import models as m
from api import create_app, db
from api.cli import upgrade
from api.listing import ALWAYS
from api.seeding import bump_version
from api.synthetic import generate
from api.v1.commitments import queries as commitments
from api.v1.incidents import queries as incidents
from api.v1.meetings import queries as meetings
from tests.conftest import StatementCounter

Pair = tuple[FlaskClient, FlaskClient]

LISTS = [
    "/api/v1/commitments",
    "/api/v1/commitments?limit=3",
    "/api/v1/commitments?sort=-made_on,title&limit=4",
    "/api/v1/commitments?sort=status&limit=7",
    "/api/v1/commitments?fields=title,givers,amounts",
    "/api/v1/commitments?q=patrol",
    "/api/v1/commitments?q=maritime%20security&sort=title",
    "/api/v1/commitments?giver=JP&made_on__gte=2020",
    "/api/v1/commitments?recipient=asean&count=false",
    "/api/v1/commitments?domain=maritime_security&kind=equipment_transfer",
    "/api/v1/commitments?expand=meeting,givers",  # expansions read through the ORM
    "/api/v1/commitments?format=csv",
    "/api/v1/commitments?format=csv&fields=title,recipients",
    "/api/v1/commitments?format=ndjson&q=vessel",
    "/api/v1/countries/JP/commitments?limit=5",
    "/api/v1/organizations/asean/commitments",
    "/api/v1/meetings",
    "/api/v1/meetings?limit=4&sort=-start_date",
    "/api/v1/meetings?participant=MM&attendance=absent",
    "/api/v1/meetings?q=summit&fields=title,country",
    "/api/v1/meetings?expand=parent",
    "/api/v1/meetings?format=csv",
    "/api/v1/countries/JP/meetings",
    "/api/v1/incidents",
    "/api/v1/incidents?limit=3&sort=-occurred_on",
    "/api/v1/incidents?actor=CN&actor_role=initiator",
    "/api/v1/incidents?format=geojson",
    "/api/v1/incidents?format=ndjson&q=water",
    "/api/v1/incidents?expand=dispute,actors",
    "/api/v1/countries/PH/incidents",
]
# Resources read as plain rows, whose every detail is compared.
DETAILS = ["commitments", "meetings", "incidents"]


def _apps(url: str) -> Iterator[Pair]:
    settings = {"DATABASE_URL": url, "SECRET_KEY": "test", "RATELIMIT_ENABLED": False}
    plain = create_app(settings)
    orm = create_app({**settings, "PLAIN_READS": False})
    yield plain.test_client(), orm.test_client()
    for application in (plain, orm):
        db.engine(application).dispose()


@pytest.fixture(scope="module")
def seeded(app: Flask) -> Iterator[Pair]:
    yield from _apps(app.config["DATABASE_URL"])


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    path: Path = tmp_path_factory.mktemp("plain") / "synthetic.sqlite3"
    upgrade(f"sqlite:///{path}")
    generate(f"sqlite:///{path}", 300, seed=11)
    yield from _apps(f"sqlite:///{path}")
    shutil.rmtree(path.parent, ignore_errors=True)


@pytest.fixture(params=["seeded", "synthetic"])
def pair(request: pytest.FixtureRequest) -> Pair:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def same(pair: Pair, url: str) -> bytes:
    plain, orm = (c.get(url) for c in pair)
    assert plain.status_code == orm.status_code, url
    assert plain.headers.get("Content-Type") == orm.headers.get("Content-Type"), url
    if plain.mimetype == "application/problem+json":  # each answer has its own request_id
        assert {**plain.get_json(), "request_id": 0} == {**orm.get_json(), "request_id": 0}, url
    else:
        assert plain.data == orm.data, url
    return plain.data


@pytest.mark.parametrize("url", LISTS)
def test_list_pages_are_the_same_on_both_paths(pair: Pair, url: str) -> None:
    body = same(pair, url)
    assert body


# Every field alone: a `fields=` page loads only the relations its fields read
# (Collection.reads), so a field that read one it does not declare would fail here.
SINGLE_FIELDS = [
    f"/api/v1/{path}?fields={name}&limit=100"
    for path, collection in (
        ("commitments", commitments.COLLECTION),
        ("meetings", meetings.COLLECTION),
        ("incidents", incidents.COLLECTION),
    )
    for name in collection.schema._declared_fields
    if name not in ALWAYS
]


@pytest.mark.parametrize("url", SINGLE_FIELDS)
def test_each_field_alone_is_the_same_on_both_paths(pair: Pair, url: str) -> None:
    body = json.loads(same(pair, url))
    assert body["data"]
    assert same(pair, url.replace("?", "?format=csv&"))


def test_every_page_of_a_walk_is_the_same(pair: Pair) -> None:
    url: str | None = "/api/v1/commitments?limit=20&sort=-made_on"
    pages = 0
    while url and pages < 30:
        same(pair, url)
        url = pair[0].get(url).get_json()["links"]["next"]
        pages += 1
    assert pages >= 1


@pytest.mark.parametrize("collection", DETAILS)
def test_every_detail_is_the_same(pair: Pair, collection: str) -> None:
    listed = pair[1].get(f"/api/v1/{collection}?limit=500").get_json()["data"]
    assert listed
    for item in listed[:120]:
        same(pair, f"/api/v1/{collection}/{item['id']}")
    same(pair, f"/api/v1/{collection}/no-such-id")  # the 404 problem too


def test_the_plain_list_costs_a_fixed_number_of_statements(seeded: Pair) -> None:
    plain = seeded[0]
    counter = StatementCounter()
    engine = db.engine(plain.application)
    plain.get("/api/v1/commitments?limit=1")  # reads the data version (cached for a second)
    event.listen(engine, "before_cursor_execute", counter)
    try:
        assert plain.get("/api/v1/commitments?count=false&limit=500").status_code == 200
        listed = counter.count
        counter.count = 0
        assert plain.get("/api/v1/commitments/japan-malaysia-maritime-security-equipment-2023")
        detail = counter.count
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    # SQLite: the page, meetings, people, parties, amounts (countries and organizations are
    # held per process, api/rows.py REFERENCE); PostgreSQL: the page, and one statement that
    # returns the relations as JSON
    assert listed == (5 if engine.dialect.name == "sqlite" else 2)
    # a detail is one statement on both: the row, its relations and all evidence as JSON
    assert detail == 1


def test_a_page_of_some_fields_reads_only_the_relations_they_print(seeded: Pair) -> None:
    plain = seeded[0]
    counter = StatementCounter()
    engine = db.engine(plain.application)
    plain.get("/api/v1/commitments?limit=1")  # reads the data version (cached for a second)
    counts = {}
    event.listen(engine, "before_cursor_execute", counter)
    try:
        for fields in ("title,made_on", "title,givers", "meeting,made_by,amounts,recipients"):
            counter.count = 0
            url = f"/api/v1/commitments?count=false&limit=500&fields={fields}"
            assert plain.get(url).get_json()["data"]
            counts[fields] = counter.count
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    sqlite = engine.dialect.name == "sqlite"
    # the page alone: no relation is printed
    assert counts["title,made_on"] == 1
    # the page and the parties (their countries and organizations are held per process), or
    # the page and one statement of relations as JSON on PostgreSQL
    assert counts["title,givers"] == 2
    # every relation: as the whole summary
    assert counts["meeting,made_by,amounts,recipients"] == (5 if sqlite else 2)


def test_reference_rows_are_reread_when_the_data_changes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'small.sqlite3'}"
    upgrade(url)
    generate(url, 30, seed=3)
    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False, "DATA_VERSION_TTL": 0})
    client = app.test_client()

    def giver_names() -> set[str]:
        page = client.get("/api/v1/commitments?limit=500").get_json()["data"]
        return {g["party"]["name"] for c in page for g in c["givers"]}

    before = giver_names()
    renamed = sorted(before)[0]
    with Session(db.engine(app)) as session, session.begin():
        country = session.scalars(select(m.Country).where(m.Country.name == renamed)).first()
        organization = session.scalars(
            select(m.Organization).where(m.Organization.name == renamed)
        ).first()
        (country or organization).name = "Renamed for the test"  # type: ignore[union-attr]
        bump_version(session)
    after = giver_names()
    assert renamed not in after and "Renamed for the test" in after
    db.engine(app).dispose()


def test_a_page_of_any_size_runs_the_same_statements(synthetic: Pair) -> None:
    """The page's keys travel as one parameter: the SQL texts of the related rows do not
    depend on the page size (each text is a statement the driver prepares and keeps)."""
    plain = synthetic[0]
    engine = db.engine(plain.application)
    plain.get("/api/v1/commitments?limit=1")  # reads the data version (cached for a second)
    texts: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        if "data_version" not in statement:  # re-read when its second is up, at any time
            texts.append(statement)

    by_size: dict[int, list[str]] = {}
    event.listen(engine, "before_cursor_execute", record)
    try:
        for limit in (1, 3, 50, 299):
            texts.clear()
            url = f"/api/v1/commitments?count=false&sort=title&limit={limit}"
            assert len(plain.get(url).get_json()["data"]) == limit
            by_size[limit] = list(texts)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    # the page, then meetings, people, parties, amounts on SQLite (a relation no row of the
    # page has, say a one-row page without a meeting, is not queried); the page and its
    # relations as JSON on PostgreSQL
    assert len(by_size[299]) == (5 if engine.dialect.name == "sqlite" else 2)
    # the page's statement differs in its LIMIT; each relation has one text for all sizes
    assert {text for seen in by_size.values() for text in seen[1:]} == set(by_size[299][1:])


@pytest.mark.parametrize("stored", ["12345678901234.56", "0.01", "7.5"])
def test_a_decimal_reads_the_same_as_json_as_from_its_column(pair: Pair, stored: str) -> None:
    """A detail's amounts travel as JSON built by the database (api/rows.py load_tree);
    no digit may be lost on the way (SQLite's JSON writes a REAL with 15 digits only)."""
    engine = db.engine(pair[0].application)
    with Session(engine) as session:
        amount = session.scalars(select(m.CommitmentAmount).order_by(m.CommitmentAmount.id)).first()
        assert amount is not None
        before, slug = amount.amount, amount.commitment.slug
    try:
        with Session(engine) as session, session.begin():
            session.get(m.CommitmentAmount, amount.id).amount = Decimal(stored)  # type: ignore[union-attr]
        body = same(pair, f"/api/v1/commitments/{slug}")
        amounts = json.loads(body)["amounts"]
        assert float(stored) in [a["amount"] for a in amounts]
    finally:
        with Session(engine) as session, session.begin():
            session.get(m.CommitmentAmount, amount.id).amount = before  # type: ignore[union-attr]


def test_references_carry_the_host_each_request_was_made_to(seeded: Pair) -> None:
    """Rows of the reference tables are shared between requests and keep the reference made
    for them; one made for another host is made again."""
    plain, orm = seeded
    for host in ("http://one.example", "https://two.example:8443", "http://one.example"):
        page = plain.get("/api/v1/commitments?limit=20", base_url=host)
        parties = [p["party"] for c in page.get_json()["data"] for p in c["givers"]]
        assert parties and all(p["url"].startswith(f"{host}/api/v1/") for p in parties)
        assert page.data == orm.get("/api/v1/commitments?limit=20", base_url=host).data


def test_a_collection_says_which_fields_read_each_relation() -> None:
    """Declared with the collection, checked when it is: a relation no field claims, or a
    field the schema does not have, is refused before any request is served."""
    listed = commitments.COLLECTION
    with pytest.raises(ValueError, match="each relation"):
        dataclasses.replace(listed, reads={"meeting": ("meeting",)})
    with pytest.raises(ValueError, match="unknown fields"):
        dataclasses.replace(listed, reads={**listed.reads, "amounts": ("money",)})
