"""GET /api/v1/organizations: groupings and bodies with dated memberships."""

from __future__ import annotations

from tests.conftest import ContractClient
from tests.helpers import all_items, ids, quotes

ASEAN_MEMBERS = {"BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"}


def test_the_list_is_ordered_by_id(api: ContractClient) -> None:
    body = api.get("/api/v1/organizations").get_json()
    assert "asean" in ids(body) and ids(body) == sorted(ids(body))


def test_asean_lists_its_ten_members_and_the_2024_chair(api: ContractClient) -> None:
    asean = api.get("/api/v1/organizations/asean").get_json()
    assert asean["name"] == "Association of Southeast Asian Nations"
    assert asean["short_name"] == "ASEAN"
    members = {m["member"]["id"] for m in asean["members"] if m["role"] == "member"}
    assert members == ASEAN_MEMBERS
    chairs = [(m["member"]["id"], m["since"]) for m in asean["members"] if m["role"] == "chair"]
    assert chairs == [("LA", "2024")]
    assert all(quotes(m) for m in asean["members"])
    assert quotes(asean)


def test_members_route_pages_through_the_same_rows(api: ContractClient) -> None:
    rows = all_items(api, "/api/v1/organizations/asean/members?limit=3")
    assert len(rows) == 11
    assert {r["member"]["type"] for r in rows} == {"country"}


def test_meetings_an_organization_took_part_in(api: ContractClient) -> None:
    meetings = {m["id"] for m in all_items(api, "/api/v1/organizations/asean/meetings")}
    assert {
        "asean-japan-commemorative-summit-2023",
        "asean-japan-foreign-ministers-meeting-2024",
    } <= meetings


def test_commitments_an_organization_gave_or_received(api: ContractClient) -> None:
    commitments = {c["id"] for c in all_items(api, "/api/v1/organizations/asean/commitments")}
    assert "japan-asean-digital-professionals-training-2024" in commitments


def test_incidents_a_coast_guard_was_involved_in(api: ContractClient) -> None:
    incidents = {
        i["id"] for i in all_items(api, "/api/v1/organizations/china-coast-guard/incidents")
    }
    assert "east-china-sea-coastguard-eviction-attempts" in incidents


def test_an_agency_links_to_its_country(api: ContractClient) -> None:
    ccg = api.get("/api/v1/organizations/china-coast-guard").get_json()
    assert ccg["country"]["id"] == "CN" and ccg["kind"] == "coast_guard"
