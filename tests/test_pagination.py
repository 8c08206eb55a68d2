"""Lists page with an opaque, signed keyset cursor in a stable order."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

import models as m
from api import create_app, db
from api.cli import upgrade
from api.seeding import bump_version
from api.synthetic import generate
from tests.conftest import ContractClient
from tests.helpers import ids


@pytest.mark.parametrize("limit", [1, 7, 50])
def test_walking_every_page_yields_the_whole_list_once(api: ContractClient, limit: int) -> None:
    whole = ids(api.get("/api/v1/countries?limit=500").get_json())
    walked: list[str] = []
    url: str | None = f"/api/v1/countries?limit={limit}"
    while url:
        body = api.get(url).get_json()
        assert len(body["data"]) <= limit
        walked.extend(ids(body))
        url = body["links"]["next"]
    assert walked == whole


def test_next_and_prev_are_in_the_body_and_the_link_header(api: ContractClient) -> None:
    first = api.get("/api/v1/countries?limit=5")
    assert first.get_json()["links"]["prev"] is None
    next_url = first.get_json()["links"]["next"]
    assert f'<{next_url}>; rel="next"' == first.headers["Link"]
    second = api.get(next_url)
    prev_url = second.get_json()["links"]["prev"]
    assert f'<{prev_url}>; rel="prev"' in second.headers["Link"]
    assert ids(api.get(prev_url).get_json()) == ids(first.get_json())


def test_the_last_page_has_no_next(api: ContractClient) -> None:
    body = api.get("/api/v1/people?limit=2").get_json()
    assert body["links"]["next"] is None and body["meta"]["total"] == 2


def test_count_false_skips_the_total(api: ContractClient) -> None:
    body = api.get("/api/v1/countries?count=false&limit=3").get_json()
    assert body["meta"] == {"limit": 3, "total": None}


def test_a_cursor_keeps_the_other_parameters(api: ContractClient) -> None:
    body = api.get("/api/v1/countries?limit=2&count=false").get_json()
    assert "limit=2" in body["links"]["next"] and "count=false" in body["links"]["next"]


def forge(cursor: str, values: list[object]) -> str:
    body, _, signature = cursor.partition(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload[1] = values
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=") + "." + signature


def test_a_tampered_cursor_is_rejected(api: ContractClient) -> None:
    cursor = api.get("/api/v1/countries?limit=2").get_json()["links"]["next"].split("cursor=")[1]
    response = api.get(f"/api/v1/countries?cursor={forge(cursor, ['ZZ'])}")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["name"] == "cursor"


@pytest.mark.parametrize("cursor", ["abc", "abc.def", "%%%", "." * 5, "eyJ4IjoxfQ.AAAA"])
def test_a_malformed_cursor_is_a_400(api: ContractClient, cursor: str) -> None:
    assert api.get(f"/api/v1/meetings?cursor={cursor}").status_code == 400


# ---- a list's statements are built once per shape of request (api/listing.py _keyset) -----


def test_a_kept_keyset_binds_each_requests_cursor_and_page_size(api: ContractClient) -> None:
    """Pages of one shape share their statements; the cursor's values and the page size are
    bound per request, so every page still holds its own rows, forwards and back."""
    url = "/api/v1/commitments?giver=JP&sort=-made_on,title&count=false"
    whole = ids(api.get(f"{url}&limit=500").get_json())
    assert len(whole) > 4
    first = api.get(f"{url}&limit=2").get_json()
    second = api.get(first["links"]["next"]).get_json()
    assert ids(first) + ids(second) == whole[:4]
    wider = api.get(first["links"]["next"].replace("limit=2", "limit=3"))  # same cursor, 3 rows
    assert ids(wider.get_json()) == whole[2:5]
    back = api.get(second["links"]["prev"]).get_json()
    assert ids(back) == ids(first)


def test_a_repeated_list_request_does_not_rebuild_its_statement(
    api: ContractClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLAlchemy computes a statement's cache key (a walk of its whole tree) once per
    statement object: a request whose shape was seen runs the kept objects, so no key is
    computed for its list statements. A nested list's shape includes its parent."""
    from sqlalchemy.sql.cache_key import HasCacheKey
    from sqlalchemy.sql.util import find_tables

    walked: list[set[str]] = []  # the tables each keyed statement reads
    original = HasCacheKey._generate_cache_key

    def counted(self: HasCacheKey) -> object:
        walked.append({t.name for t in find_tables(self, include_joins=True)})  # type: ignore[arg-type]
        return original(self)

    def listed() -> bool:  # a statement over commitments was keyed
        return any("commitments" in tables for tables in walked)

    from api import listing

    # keysets are kept per app: start from none, whatever ran before on this app
    api.client.application.extensions.pop(listing.KEYSETS, None)
    monkeypatch.setattr(HasCacheKey, "_generate_cache_key", counted)
    url = "/api/v1/commitments?giver=JP&domain=maritime_security&made_on__gte=2010&limit=1"
    first = api.get(url).get_json()
    second = api.get(first["links"]["next"]).get_json()
    assert listed()  # the first requests of this shape build and key their statements
    walked.clear()
    api.get(url)
    third = api.get(second["links"]["next"]).get_json()  # another cursor, the same shape
    # Nothing keyed but, if its 1 s cache ran out meanwhile, the data version's read.
    assert [tables for tables in walked if tables != {"data_version"}] == []
    assert ids(third) and ids(third) != ids(second)
    japan = api.get("/api/v1/countries/JP/commitments?limit=3").get_json()
    assert listed()
    walked.clear()
    assert api.get("/api/v1/countries/JP/commitments?limit=3").get_json() == japan
    assert not listed()  # only the parent's lookup (countries) is keyed again
    vietnam = api.get("/api/v1/countries/VN/commitments?limit=3").get_json()
    assert listed()  # another parent: its own statements
    assert ids(vietnam) and ids(vietnam) != ids(japan)


def test_kept_keysets_are_bounded(api: ContractClient) -> None:
    from api import listing

    kept = api.client.application.extensions
    for n in range(listing.KEYSETS_MAX + 5):
        api.get(f"/api/v1/commitments?made_on__gte={1000 + n}&limit=1&count=false")
    assert 0 < len(kept[listing.KEYSETS]) <= listing.KEYSETS_MAX
    for n in range(listing.KEYSETS_MAX + 5):
        body = api.get(f"/api/v1/sources?q=x{n}&limit=1&count=false").get_json()
        assert body["data"] == []
    assert 0 < len(kept[listing.KEYSETS]) <= listing.KEYSETS_MAX


def _counted_app(path: Path, seed: int) -> Flask:
    url = f"sqlite:///{path}"
    upgrade(url)
    generate(url, 40, seed=seed)
    return create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False, "DATA_VERSION_TTL": 0})


def test_a_list_counts_its_total_once_per_data_version(tmp_path: Path) -> None:
    """`meta.total` of a list shape is counted once per data version and app: its next
    pages and repeats reuse it (the same version is the same body, as its ETag says), a new
    version counts again, another database has its own."""
    app = _counted_app(tmp_path / "one.sqlite3", seed=5)
    engine = db.engine(app)
    client = app.test_client()
    counts: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        if "count(*)" in statement:
            counts.append(statement)

    url = "/api/v1/commitments?domain=maritime_security&limit=2"
    event.listen(engine, "before_cursor_execute", record)
    try:
        first = client.get(url).get_json()
        total = first["meta"]["total"]
        assert total > 2 and len(counts) == 1
        second = client.get(first["links"]["next"]).get_json()
        assert second["meta"]["total"] == total
        assert client.get(url).get_json()["meta"]["total"] == total
        assert len(counts) == 1  # not counted again

        slug = first["data"][0]["id"]
        with Session(engine) as session, session.begin():
            row = session.scalars(select(m.Commitment).where(m.Commitment.slug == slug)).one()
            row.domain = "energy"
            bump_version(session)
        assert client.get(url).get_json()["meta"]["total"] == total - 1
        assert len(counts) == 2  # a new data version: counted again
    finally:
        event.remove(engine, "before_cursor_execute", record)

    other = _counted_app(tmp_path / "two.sqlite3", seed=6)
    theirs = other.test_client().get(url).get_json()["meta"]["total"]
    with Session(db.engine(other)) as session:
        query = select(func.count()).where(m.Commitment.domain == "maritime_security")
        assert theirs == session.scalar(query)
    for application in (app, other):
        db.engine(application).dispose()
