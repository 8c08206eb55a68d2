"""Full-text search: `q=` on every collection and GET /api/v1/search across all of them."""

from __future__ import annotations

import pytest

from tests.conftest import ContractClient
from tests.helpers import ids


def test_q_finds_a_commitment_by_its_words(api: ContractClient) -> None:
    body = api.get("/api/v1/commitments?q=patrol vessel").get_json()
    assert ids(body) == ["japan-indonesia-patrol-vessel-2023"]
    assert isinstance(body["data"][0]["rank"], float)


def test_q_searches_evidence_quotes(api: ContractClient) -> None:
    # "finger" appears only in the quote about the June collision.
    assert ids(api.get("/api/v1/incidents?q=finger").get_json()) == [
        "chinese-vessels-collide-with-philippine-boats-2024-06"
    ]


def test_q_combines_with_filters(api: ContractClient) -> None:
    assert ids(api.get("/api/v1/meetings?q=Vientiane&kind=bilateral").get_json()) == [
        "japan-indonesia-talks-2024-07",
        "japan-laos-talks-2024-07",
    ] or set(ids(api.get("/api/v1/meetings?q=Vientiane&kind=bilateral").get_json())) == {
        "japan-indonesia-talks-2024-07",
        "japan-laos-talks-2024-07",
    }


def test_results_are_ranked_best_first(api: ContractClient) -> None:
    ranks = [i["rank"] for i in api.get("/api/v1/search?q=ASEAN Japan").get_json()["data"]]
    assert ranks == sorted(ranks, reverse=True) and len(ranks) > 3


def test_cross_resource_search(api: ContractClient) -> None:
    found = {
        (r["resource"]["type"], r["resource"]["id"])
        for r in api.get("/api/v1/search?q=Kamikawa&limit=500").get_json()["data"]
    }
    assert ("person", "yoko-kamikawa") in found
    assert ("meeting", "asean-japan-foreign-ministers-meeting-2024") in found


def test_cross_search_by_type(api: ContractClient) -> None:
    data = api.get("/api/v1/search?q=Kamikawa&type=person").get_json()["data"]
    assert [r["resource"]["id"] for r in data] == ["yoko-kamikawa"]


@pytest.mark.parametrize("q", ['"', "AND OR NOT", "*", "a:b", "NEAR(", "'; DROP TABLE x;--", "%_"])
def test_query_syntax_is_never_interpreted(api: ContractClient, q: str) -> None:
    response = api.get("/api/v1/commitments", query_string={"q": q})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.get_json()["errors"][0]["name"] == "q"


def test_search_pages_with_a_cursor(api: ContractClient) -> None:
    whole = [
        r["resource"]["id"] for r in api.get("/api/v1/search?q=Japan&limit=500").get_json()["data"]
    ]
    walked: list[str] = []
    url: str | None = "/api/v1/search?q=Japan&limit=3"
    while url:
        body = api.get(url).get_json()
        walked += [r["resource"]["id"] for r in body["data"]]
        url = body["links"]["next"]
    assert walked == whole


def test_search_requires_q(api: ContractClient) -> None:
    assert api.get("/api/v1/search").status_code == 400


def test_nested_lists_of_dated_rows_cannot_be_searched(api: ContractClient) -> None:
    assert api.get("/api/v1/organizations/asean/members?q=Laos").status_code == 400
