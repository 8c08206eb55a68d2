"""GET /api/v1/countries: ISO reference data linked to the facts that involve each country."""

from __future__ import annotations

import pycountry

from tests.conftest import ContractClient
from tests.helpers import all_items, ids, quotes


def test_the_list_holds_every_iso_country_in_code_order(api: ContractClient) -> None:
    body = api.get("/api/v1/countries?limit=500").get_json()
    assert body["meta"]["total"] == len(pycountry.countries)
    codes = ids(body)
    assert codes == sorted(codes)
    assert {"JP", "PH", "TL"} <= set(codes)


def test_a_country_is_found_by_its_code_in_any_case(api: ContractClient) -> None:
    japan = api.get("/api/v1/countries/jp").get_json()
    assert japan["id"] == "JP"
    assert japan["type"] == "country"
    assert japan["url"].endswith("/api/v1/countries/JP")
    assert (japan["name"], japan["iso3"], japan["numeric"]) == ("Japan", "JPN", "392")
    assert japan["wikidata"] == "Q17"


def test_a_country_shows_its_memberships_with_evidence(api: ContractClient) -> None:
    laos = api.get("/api/v1/countries/LA").get_json()
    roles = {(m["organization"]["id"], m["role"]) for m in laos["memberships"]}
    assert {("asean", "member"), ("asean", "chair"), ("mekong-japan", "member")} <= roles
    chair = next(m for m in laos["memberships"] if m["role"] == "chair")
    assert (chair["since"], chair["since_precision"]) == ("2024", "year")
    assert any("ASEAN chair" in e["quote"] for e in chair["evidence"] if e["quote"])


def test_a_mentioned_country_carries_evidence_of_where_it_is_named(api: ContractClient) -> None:
    assert quotes(api.get("/api/v1/countries/MM").get_json())


def test_an_unmentioned_country_has_no_facts(api: ContractClient) -> None:
    andorra = api.get("/api/v1/countries/AD").get_json()
    assert andorra["memberships"] == [] and andorra["evidence"] == []
    assert api.get("/api/v1/countries/AD/commitments").get_json()["data"] == []


def test_links_lead_to_the_related_collections(api: ContractClient) -> None:
    japan = api.get("/api/v1/countries/JP").get_json()
    assert set(japan["links"]) == {
        "memberships",
        "people",
        "meetings",
        "commitments",
        "disputes",
        "incidents",
    }
    assert japan["links"]["commitments"].endswith("/api/v1/countries/JP/commitments")


def test_commitments_a_country_gave_or_received(api: ContractClient) -> None:
    given = {c["id"] for c in all_items(api, "/api/v1/countries/JP/commitments")}
    assert "japan-malaysia-maritime-security-equipment-2023" in given
    received = {c["id"] for c in all_items(api, "/api/v1/countries/PH/commitments")}
    assert received == {"japan-philippines-coastal-surveillance-radar-2023"}


def test_meetings_include_those_a_country_stayed_away_from(api: ContractClient) -> None:
    meetings = {m["id"] for m in all_items(api, "/api/v1/countries/MM/meetings")}
    assert {"asean-japan-foreign-ministers-meeting-2024", "japan-mekong-talks-2024-07"} <= meetings


def test_disputes_a_country_claims_in(api: ContractClient) -> None:
    disputes = {d["id"] for d in all_items(api, "/api/v1/countries/CN/disputes")}
    assert disputes == {"east-china-sea-islands", "south-china-sea"}


def test_incidents_a_country_was_involved_in(api: ContractClient) -> None:
    incidents = {i["id"] for i in all_items(api, "/api/v1/countries/PH/incidents")}
    assert "chinese-vessels-collide-with-philippine-boats-2024-06" in incidents


def test_people_who_held_office_for_a_country(api: ContractClient) -> None:
    people = {p["id"] for p in all_items(api, "/api/v1/countries/JP/people")}
    assert people == {"fumio-kishida", "yoko-kamikawa"}


def test_memberships_of_a_country(api: ContractClient) -> None:
    rows = all_items(api, "/api/v1/countries/jp/memberships")
    assert [(r["organization"]["id"], r["role"]) for r in rows] == [("mekong-japan", "partner")]
