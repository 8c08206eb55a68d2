"""Sparse fieldsets (`fields=`) and one-level embedding (`expand=`)."""

from __future__ import annotations

from tests.conftest import ContractClient


def test_fields_returns_only_those_plus_id_type_url(api: ContractClient) -> None:
    item = api.get("/api/v1/commitments?fields=title,made_on&limit=1").get_json()["data"][0]
    assert set(item) == {"id", "type", "url", "title", "made_on"}


def test_fields_on_nested_lists_without_ids(api: ContractClient) -> None:
    row = api.get("/api/v1/organizations/asean/members?fields=role&limit=1").get_json()["data"][0]
    assert set(row) == {"role"}


def test_expand_embeds_the_related_resource(api: ContractClient) -> None:
    url = "/api/v1/commitments?giver=JP&recipient=MY&expand=meeting,givers,made_by"
    item = api.get(url).get_json()["data"][0]
    assert item["meeting"]["kind"] == "bilateral" or "start_date" in item["meeting"]
    assert item["givers"][0]["party"]["iso3"] == "JPN"
    assert item["made_by"]["roles"][0]["office"] == "Prime Minister"
    assert item["recipients"][0]["party"] == {
        "id": "MY",
        "type": "country",
        "name": "Malaysia",
        "url": "http://localhost/api/v1/countries/MY",
    }


def test_expansion_is_one_level_deep(api: ContractClient) -> None:
    item = api.get("/api/v1/meetings/azec-leaders-summit-2023").get_json()
    parent = api.get("/api/v1/meetings?expand=parent&parent=asean-japan-commemorative-summit-2023")
    expanded = parent.get_json()["data"][0]["parent"]
    assert expanded["id"] == item["parent"]["id"]
    assert set(expanded["country"]) == {"id", "type", "name", "url"}
