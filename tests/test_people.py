"""GET /api/v1/people: named people and the offices they held."""

from __future__ import annotations

from tests.conftest import ContractClient
from tests.helpers import all_items, ids, quotes


def test_the_list_names_both_people_with_their_roles(api: ContractClient) -> None:
    body = api.get("/api/v1/people").get_json()
    assert ids(body) == ["fumio-kishida", "yoko-kamikawa"]
    offices = {p["id"]: [r["office"] for r in p["roles"]] for p in body["data"]}
    assert offices == {"fumio-kishida": ["Prime Minister"], "yoko-kamikawa": ["Foreign Minister"]}


def test_a_person_shows_roles_with_evidence(api: ContractClient) -> None:
    kamikawa = api.get("/api/v1/people/yoko-kamikawa").get_json()
    role = kamikawa["roles"][0]
    assert role["country"]["id"] == "JP"
    assert role["since"] is None and role["since_precision"] == "unknown"
    assert any("Foreign Minister Yoko Kamikawa" in q for q in quotes(role))
    assert quotes(kamikawa)


def test_meetings_and_commitments_of_a_person(api: ContractClient) -> None:
    meetings = {m["id"] for m in all_items(api, "/api/v1/people/fumio-kishida/meetings")}
    assert "japan-malaysia-leaders-meeting-2023-12" in meetings
    made = {c["id"] for c in all_items(api, "/api/v1/people/yoko-kamikawa/commitments")}
    assert "japan-asean-digital-professionals-training-2024" in made
