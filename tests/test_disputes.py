"""GET /api/v1/disputes: contested seas and islands, their claimants and features."""

from __future__ import annotations

from tests.conftest import ContractClient
from tests.helpers import all_items, ids, quotes


def test_both_disputes_are_listed_with_claimants(api: ContractClient) -> None:
    body = api.get("/api/v1/disputes").get_json()
    assert ids(body) == ["east-china-sea-islands", "south-china-sea"]
    ecs = body["data"][0]
    assert {c["country"]["id"] for c in ecs["claimants"]} == {"CN", "JP"}
    assert ecs["geometry"] is None


def test_a_dispute_shows_claimants_features_and_evidence(api: ContractClient) -> None:
    scs = api.get("/api/v1/disputes/south-china-sea").get_json()
    roles = {c["country"]["id"]: c["role"] for c in scs["claimants"]}
    assert roles["CN"] == "claimant"
    assert {"VN", "MY", "PH"} <= set(roles)
    assert {f["kind"] for f in scs["features"]} >= {"shoal", "artificial_island"}
    assert quotes(scs) and all(quotes(c) for c in scs["claimants"])


def test_incidents_in_a_dispute(api: ContractClient) -> None:
    incidents = {i["id"] for i in all_items(api, "/api/v1/disputes/south-china-sea/incidents")}
    assert "chinese-vessels-collide-with-philippine-boats-2024-06" in incidents
