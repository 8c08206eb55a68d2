"""Sort on documented fields; keyset pages stay correct under any sort."""

from __future__ import annotations

import pytest
from flask import Flask

from api.v1.commitments.queries import COLLECTION as COMMITMENTS
from api.v1.countries.queries import COLLECTION as COUNTRIES
from api.v1.incidents.queries import COLLECTION as INCIDENTS
from api.v1.meetings.queries import COLLECTION as MEETINGS
from tests.conftest import ContractClient
from tests.helpers import ids, page_plans

SORTS = [
    (path, prefix + name)
    for path, collection in [
        ("commitments", COMMITMENTS),
        ("meetings", MEETINGS),
        ("incidents", INCIDENTS),
        ("countries", COUNTRIES),
    ]
    for name in collection.sorts
    for prefix in ("", "-")
]


def walk(api: ContractClient, url: str) -> list[str]:
    out: list[str] = []
    next_url: str | None = url
    while next_url:
        body = api.get(next_url).get_json()
        out.extend(ids(body))
        next_url = body["links"]["next"]
    return out


@pytest.mark.parametrize("path, sort", SORTS)
def test_walking_pages_matches_one_unpaginated_query(
    api: ContractClient, path: str, sort: str
) -> None:
    whole = ids(api.get(f"/api/v1/{path}?sort={sort}&limit=500").get_json())
    assert walk(api, f"/api/v1/{path}?sort={sort}&limit=2") == whole
    assert len(set(whole)) == len(whole)


@pytest.mark.parametrize("path, sort", SORTS[:6])
def test_prev_links_walk_back_the_same_pages(api: ContractClient, path: str, sort: str) -> None:
    first = api.get(f"/api/v1/{path}?sort={sort}&limit=3").get_json()
    second = api.get(first["links"]["next"]).get_json()
    assert ids(api.get(second["links"]["prev"]).get_json()) == ids(first)


def test_dates_sort_chronologically_with_unknown_dates_last(api: ContractClient) -> None:
    items = api.get("/api/v1/commitments?sort=made_on&fields=made_on&limit=500").get_json()
    dates = [c["made_on"] for c in items["data"]]
    known = [d for d in dates if d is not None]
    assert known == sorted(known)
    assert dates[len(known) :] == [None] * (len(dates) - len(known))


def test_descending_then_ascending_keys(api: ContractClient) -> None:
    items = api.get("/api/v1/meetings?sort=-start_date,title&fields=start_date,title").get_json()
    rows = [(m["start_date"] or "", m["title"]) for m in items["data"]]
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), reverse=True)
    same_day = [title for day, title in rows if day == "2024-07-26"]
    assert same_day == sorted(same_day)


def test_a_cursor_from_another_sort_is_rejected(api: ContractClient) -> None:
    body = api.get("/api/v1/meetings?sort=title&limit=2").get_json()
    cursor = body["links"]["next"].split("cursor=")[1]
    response = api.get(f"/api/v1/meetings?sort=-title&limit=2&cursor={cursor}")
    assert response.status_code == 400


# Every sort key of the three large lists but `id` (read from the slug's unique index): a
# key added without an index fails the plan test below.
INDEXED_SORTS = [
    (path, key)
    for path, collection in [
        ("commitments", COMMITMENTS),
        ("meetings", MEETINGS),
        ("incidents", INCIDENTS),
    ]
    for key in collection.sorts
    if key != "id"
]


@pytest.mark.parametrize("path, column", INDEXED_SORTS)
@pytest.mark.parametrize("prefix", ["", "-"])
def test_a_sorted_page_reads_its_index_instead_of_sorting(
    app: Flask, api: ContractClient, path: str, column: str, prefix: str
) -> None:
    """The first page and a next page of a list sorted by one key, either way, can be read
    in order from the index of that key (migrations 0005 and 0008): no sort of the table."""
    url = f"/api/v1/{path}?sort={prefix}{column}&limit=2&count=false"
    first = api.get(url).get_json()
    plans = page_plans(app, api, path, [url, first["links"]["next"]])
    assert len(plans) == 2
    index = f"ix_{path}_{column}_sort{'_desc' if prefix else ''}"
    for plan in plans:
        assert any(index in line for line in plan), plan
        assert not any("TEMP B-TREE" in line or "Sort" in line.split() for line in plan), plan
