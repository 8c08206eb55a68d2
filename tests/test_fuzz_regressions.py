"""What scripts/fuzz.sh (schemathesis, every check) found, pinned down: server errors on
schema-valid input, and schema-valid requests the server used to reject."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ContractClient
from tests.helpers import ids


def bad(api: ContractClient, url: str, query: dict[str, str], name: str) -> dict[str, Any]:
    """A 400 problem naming `name` as the bad parameter."""
    response = api.get(url, query_string=query)
    assert response.status_code == 400, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    assert [e["name"] for e in body["errors"]] == [name]
    return body


# ---- partial dates at the end of the calendar (were 500s) --------------------------------


@pytest.mark.parametrize(
    "param", ["start_date", "start_date__gt", "start_date__gte", "start_date__lt", "start_date__in"]
)
@pytest.mark.parametrize("value", ["9999-12", "9999", "9999-12-31"])
def test_the_last_month_of_9999_is_a_date(api: ContractClient, param: str, value: str) -> None:
    response = api.get("/api/v1/meetings", query_string={param: value})
    assert response.status_code == 200
    expected = [] if param in ("start_date", "start_date__gt", "start_date__in") else None
    if expected is not None:
        assert response.get_json()["data"] == expected


@pytest.mark.parametrize("param", ["from", "to"])
def test_the_timeline_takes_the_last_month_of_9999(api: ContractClient, param: str) -> None:
    response = api.get("/api/v1/timeline", query_string={param: "9999-12"})
    assert response.status_code == 200
    if param == "from":
        assert response.get_json()["data"] == []


# ---- dates that do not exist are a 400 naming the parameter -------------------------------


@pytest.mark.parametrize(
    "value",
    ["0000", "2024-13", "2024-00", "2023-02-29", "2024-04-31", "2024-1", "2024\n", "２０２４"],
)
def test_impossible_partial_dates_are_rejected(api: ContractClient, value: str) -> None:
    bad(api, "/api/v1/meetings", {"start_date": value}, "start_date")
    bad(api, "/api/v1/timeline", {"from": value}, "from")


def test_a_leap_day_is_a_date(api: ContractClient) -> None:
    assert api.get("/api/v1/meetings?start_date=2024-02-29").status_code == 200
    assert api.get("/api/v1/timeline?to=2000-02-29").status_code == 200
    bad(api, "/api/v1/meetings", {"start_date": "1900-02-29"}, "start_date")


@pytest.mark.parametrize(
    "value", ["2024-1-5", "2024-02-30", "2024-07", "0000-01-01", "2024-07-26\n"]
)
def test_as_of_must_be_a_real_full_date(api: ContractClient, value: str) -> None:
    bad(api, "/api/v1/countries/JP", {"as_of": value}, "as_of")
    bad(api, "/api/v1/countries", {"as_of": value}, "as_of")


def test_as_of_takes_a_real_full_date(api: ContractClient) -> None:
    assert api.get("/api/v1/countries/JP?as_of=2024-02-29").status_code == 200
    assert api.get("/api/v1/countries?as_of=0001-01-01").status_code == 200


# ---- a sort key given twice: the first one orders (was a 400 on the fuzzer's requests) ---


@pytest.mark.parametrize(
    ("repeated", "plain"),
    [
        ("name,name", "name"),
        ("-id,-name,id,id", "-id,-name"),
        ("name,-name", "name"),
        ("-name,name,id", "-name,id"),
    ],
)
def test_a_repeated_sort_key_counts_once(api: ContractClient, repeated: str, plain: str) -> None:
    first = api.get(f"/api/v1/countries?sort={repeated}&limit=500")
    assert first.status_code == 200
    assert ids(first.get_json()) == ids(
        api.get(f"/api/v1/countries?sort={plain}&limit=500").get_json()
    )


def test_a_repeated_sort_key_pages_like_the_plain_one(api: ContractClient) -> None:
    body = api.get("/api/v1/meetings?sort=-start_date,start_date,-start_date&limit=2").get_json()
    plain = api.get("/api/v1/meetings?sort=-start_date&limit=2").get_json()
    assert ids(body) == ids(plain)
    assert body["links"]["next"] is not None
    following = api.get(body["links"]["next"])
    assert following.status_code == 200
    assert ids(following.get_json()) == ids(api.get(plain["links"]["next"]).get_json())


# ---- a search with no words matches nothing (was a 400 on schema-valid `q`) ---------------


@pytest.mark.parametrize("q", ["!!!", "-", " ", "\u00a0", "\U0001f600", "*:()"])
def test_a_search_without_words_finds_nothing(api: ContractClient, q: str) -> None:
    response = api.get("/api/v1/search", query_string={"q": q})
    assert response.status_code == 200
    assert response.get_json()["data"] == []
    assert response.get_json()["meta"]["total"] == 0
    listed = api.get("/api/v1/meetings", query_string={"q": q})
    assert listed.status_code == 200
    assert listed.get_json()["data"] == []


def test_a_search_without_words_finds_nothing_in_an_export(api: ContractClient) -> None:
    response = api.get("/api/v1/meetings", query_string={"q": "!!!", "format": "csv"})
    assert response.status_code == 200
    assert len(response.get_data(as_text=True).splitlines()) == 1  # the header alone


def test_punctuation_around_words_is_still_ignored(api: ContractClient) -> None:
    assert ids(api.get("/api/v1/meetings?q=Vientiane").get_json()) == ids(
        api.get("/api/v1/meetings", query_string={"q": "!Vientiane?"}).get_json()
    )


# ---- ids in relation filters: the whole value, as documented ------------------------------


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("parent", "asean\n"),
        ("parent", "a" * 121),
        ("parent__in", "asean,"),
        ("country", "jp\n"),
        ("participant", "a0"),  # two characters are a country code, and a0 is none
        ("participant", "Asean"),
    ],
)
def test_relation_ids_outside_the_grammar_are_rejected(
    api: ContractClient, param: str, value: str
) -> None:
    bad(api, "/api/v1/meetings", {param: value}, param)


@pytest.mark.parametrize(
    ("param", "value"),
    [("parent", "0"), ("parent", "a" * 120), ("participant", "jp"), ("participant", "x")],
)
def test_relation_ids_inside_the_grammar_are_accepted(
    api: ContractClient, param: str, value: str
) -> None:
    assert api.get("/api/v1/meetings", query_string={param: value}).status_code == 200


def test_the_timeline_country_is_the_whole_value(api: ContractClient) -> None:
    bad(api, "/api/v1/timeline", {"country": "PH\n"}, "country")
    assert api.get("/api/v1/timeline?country=ph").status_code == 200


# ---- text lists: any non-blank items, at most 100 (long items were a 400) ----------------


def test_a_long_item_of_a_text_list_is_just_a_value_no_row_has(api: ContractClient) -> None:
    response = api.get("/api/v1/countries", query_string={"name__in": "Japan," + "x" * 300})
    assert response.status_code == 200
    assert ids(response.get_json()) == ["JP"]
    response = api.get("/api/v1/countries", query_string={"name__not": "y" * 250, "limit": "500"})
    assert response.status_code == 200
    bad(api, "/api/v1/countries", {"name": "x" * 201}, "name")
    bad(api, "/api/v1/countries", {"name__contains": "x" * 201}, "name__contains")


@pytest.mark.parametrize(
    "value", ["Japan,", ",Japan", "Japan, ,Laos", "\u3000", ",".join(["a"] * 101)]
)
def test_text_lists_still_need_non_blank_items_and_at_most_100(
    api: ContractClient, value: str
) -> None:
    bad(api, "/api/v1/countries", {"name__in": value}, "name__in")


def test_blank_padding_around_text_list_items_is_ignored(api: ContractClient) -> None:
    response = api.get("/api/v1/countries", query_string={"name__in": "\u00a0Japan\t, Laos "})
    assert response.status_code == 200
    assert sorted(ids(response.get_json())) == ["JP", "LA"]
