"""As-of queries over dated memberships and roles; the timeline of dated facts."""

from __future__ import annotations

from tests.conftest import ContractClient
from tests.helpers import all_items

ASEAN_2024 = {"BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"}


def test_asean_members_as_of_the_vientiane_meeting_are_the_ten(api: ContractClient) -> None:
    rows = all_items(api, "/api/v1/organizations/asean/members?as_of=2024-07-26&role=member")
    assert {r["member"]["id"] for r in rows} == ASEAN_2024


def test_as_of_on_an_organization_detail_filters_its_members(api: ContractClient) -> None:
    asean = api.get("/api/v1/organizations/asean?as_of=2025-06-01").get_json()
    assert {m["member"]["id"] for m in asean["members"] if m["role"] == "chair"} == set()
    asean = api.get("/api/v1/organizations/asean?as_of=2024-07-26").get_json()
    assert {m["member"]["id"] for m in asean["members"] if m["role"] == "chair"} == {"LA"}


def test_as_of_on_people_and_their_roles(api: ContractClient) -> None:
    kamikawa = api.get("/api/v1/people/yoko-kamikawa?as_of=2024-07-26").get_json()
    assert [r["office"] for r in kamikawa["roles"]] == ["Foreign Minister"]
    people = {p["id"] for p in all_items(api, "/api/v1/people?as_of=2024-07-26&country=JP")}
    assert people == {"fumio-kishida", "yoko-kamikawa"}  # no end date is known for either


def test_as_of_needs_a_full_date(api: ContractClient) -> None:
    assert api.get("/api/v1/organizations/asean?as_of=2024").status_code == 400


def test_the_timeline_is_in_date_order(api: ContractClient) -> None:
    entries = all_items(api, "/api/v1/timeline?limit=4")
    dates = [e["date"] for e in entries]
    assert dates == sorted(dates)
    assert {e["type"] for e in entries} == {"meeting", "commitment", "incident"}
    assert all(e["resource"]["url"].startswith("http") for e in entries)


def test_the_timeline_by_country_and_period(api: ContractClient) -> None:
    entries = all_items(api, "/api/v1/timeline?country=PH&from=2024-01&to=2024-12")
    assert [(e["type"], e["resource"]["id"]) for e in entries][:1] == [
        ("incident", "chinese-vessels-collide-with-philippine-boats-2024-06")
    ]
    assert all(e["date"] >= "2024" for e in entries)


def test_the_timeline_by_type_newest_first(api: ContractClient) -> None:
    entries = all_items(api, "/api/v1/timeline?type=meeting&sort=-date")
    assert entries[0]["date"] == "2024-07-26"
    assert {e["type"] for e in entries} == {"meeting"}


def test_timeline_rejects_bad_parameters(api: ContractClient) -> None:
    for query in ("from=June", "type=tweet", "country=Japan", "sort=title"):
        assert api.get(f"/api/v1/timeline?{query}").status_code == 400
