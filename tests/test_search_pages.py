"""On SQLite a ranked search page is cut from its matches: when nothing but `q=` narrows a
list, the database joins and sorts only the matches whose rank reaches the page's last rank
(past the cursor), not every match. The pages, their order (rank, then the list's own order
among equal ranks), their totals and their cursors both ways are the same as without the
cut. PostgreSQL's plan sorts the matches by rank before joining on its own: no cut there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, true
from sqlalchemy.orm import Session

import models as m
from api import create_app, db, listing
from api.cli import upgrade
from api.pagination import Keyset
from api.search import rebuild_index
from api.seeding import bump_version
from api.synthetic import generate

SEARCHES = [
    "/api/v1/commitments?q=japan&limit=2",
    "/api/v1/commitments?q=patrol vessel&limit=1",
    "/api/v1/commitments?q=maritime security&limit=3&fields=title",
    "/api/v1/meetings?q=ASEAN&limit=2",
    "/api/v1/incidents?q=vessels&limit=1",
    "/api/v1/organizations?q=japan&limit=2",
]
# Narrowed by more than the search, or not ranked first: never cut.
UNCUT = [
    "/api/v1/commitments?q=japan&domain=maritime_security&limit=2",
    "/api/v1/countries/JP/commitments?q=japan&limit=2",
    "/api/v1/commitments?q=japan&sort=-made_on&limit=2",
]


def walk(client: FlaskClient, url: str) -> tuple[Any, list[tuple[str, float]], list[str]]:
    """The total, every (id, rank) following `next`, then every id following `prev` back
    from the last page."""
    first = client.get(url).get_json()
    forward: list[tuple[str, float]] = []
    body = first
    while True:
        forward.extend((item["id"], item["rank"]) for item in body["data"])
        if not body["links"]["next"]:
            break
        last = body
        body = client.get(body["links"]["next"]).get_json()
    backward: list[str] = []
    body = last if not body["data"] else body
    while True:
        backward[:0] = [item["id"] for item in body["data"]]
        if not body["links"]["prev"]:
            break
        body = client.get(body["links"]["prev"]).get_json()
    return first["meta"]["total"], forward, backward


def cut_off(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages without the cut (every match joined and sorted), nothing kept from before."""
    monkeypatch.setattr(Keyset, "_cut", lambda self, first, bound, size: true())
    app.extensions.pop(listing.KEYSETS, None)


def page_statements(app: Flask, client: FlaskClient, url: str) -> list[str]:
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(db.engine(app), "before_cursor_execute", record)
    try:
        walk(client, url)
    finally:
        event.remove(db.engine(app), "before_cursor_execute", record)
    return [s for s in seen if "matches" in s and "count(*)" not in s]


def same_pages_with_and_without_the_cut(
    app: Flask, urls: list[str], monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    client = app.test_client()
    app.extensions.pop(listing.KEYSETS, None)
    cut = {url: walk(client, url) for url in urls}
    with monkeypatch.context() as patched:
        cut_off(app, patched)
        whole = {url: walk(client, url) for url in urls}
    app.extensions.pop(listing.KEYSETS, None)
    assert cut == whole
    for url, (total, forward, backward) in cut.items():
        assert total == len(forward) == len({i for i, _ in forward}), url
        assert [i for i, _ in forward] == backward, url
    return cut


def test_a_cut_search_pages_as_the_whole_ranking_does(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = same_pages_with_and_without_the_cut(app, SEARCHES + UNCUT, monkeypatch)
    assert all(len(found[url][1]) > 2 for url in SEARCHES if "patrol" not in url)
    ranks = [rank for _, rank in found[SEARCHES[0]][1]]
    assert ranks == sorted(ranks, reverse=True)


def test_an_export_of_a_search_is_the_same_with_the_cut(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "/api/v1/commitments?q=japan&format=csv"
    client = app.test_client()
    app.extensions.pop(listing.KEYSETS, None)
    cut = client.get(url).get_data(as_text=True)
    with monkeypatch.context() as patched:
        cut_off(app, patched)
        whole = client.get(url).get_data(as_text=True)
    app.extensions.pop(listing.KEYSETS, None)
    assert cut == whole and cut.count("\n") > 3


def test_only_a_search_nothing_else_narrows_is_cut(app: Flask) -> None:
    client = app.test_client()
    app.extensions.pop(listing.KEYSETS, None)
    sqlite = db.engine(app).dialect.name == "sqlite"
    for url in SEARCHES:
        pages = [("best" in s) for s in page_statements(app, client, url)]
        if sqlite:
            # every page is read cut first; only a short one is read again whole
            assert pages[0] and all(cut or pages[i - 1] for i, cut in enumerate(pages)), url
        else:
            assert pages and not any(pages), url
    for url in UNCUT:
        pages = page_statements(app, client, url)
        assert pages and not any("best" in s for s in pages), url


@pytest.fixture()
def synthetic(tmp_path: Path) -> Iterator[Flask]:
    """Generated commitments: templated texts, so many matches share one rank."""
    url = f"sqlite:///{tmp_path / 'synthetic.sqlite3'}"
    upgrade(url)
    generate(url, 300, seed=5)
    application = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    yield application
    db.engine(application).dispose()


def test_ties_across_the_cut_keep_their_order(
    synthetic: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    urls = [
        "/api/v1/commitments?q=patrol vessels&limit=7",
        "/api/v1/commitments?q=maritime&limit=25&fields=title",
        "/api/v1/meetings?q=bilateral&limit=4",
    ]
    # one row a page: a page boundary inside every run of equal ranks, both ways
    singles = [url.split("&limit=")[0] + "&limit=1" for url in urls]
    found = same_pages_with_and_without_the_cut(synthetic, urls + singles, monkeypatch)
    for url in urls:
        ranks = [rank for _, rank in found[url][1]]
        assert len(ranks) > 10, url
        assert len(set(ranks)) < len(ranks), url  # pages end inside runs of equal ranks


def test_a_document_without_its_row_never_shortens_a_page(
    synthetic: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cut counts on each match being a row of the list. A document whose row is gone
    (here the best match of all) takes a place among the page's best ranks but not on the
    page: the page comes back short and is read again whole."""
    with Session(db.engine(synthetic)) as session, session.begin():
        body = "patrol vessels " * 20
        session.add(m.SearchDocument(subject_type="commitment", subject_id=10**9, body=body))
        session.flush()
        rebuild_index(session)
        bump_version(session)
    urls = [
        "/api/v1/commitments?q=patrol vessels&limit=7",
        "/api/v1/commitments?q=patrol vessels&limit=1",
        "/api/v1/commitments?q=patrol vessels&limit=500",
    ]
    found = same_pages_with_and_without_the_cut(synthetic, urls, monkeypatch)
    assert len(found[urls[0]][1]) > 20
    client = synthetic.test_client()
    export = client.get("/api/v1/commitments?q=patrol vessels&format=csv").get_data(as_text=True)
    assert export.count("\n") == len(found[urls[0]][1]) + 1  # the header, then every match
