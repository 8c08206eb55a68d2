"""GET /api/v1/incidents: what happened at sea, when, and to whom."""

from __future__ import annotations

from tests.conftest import ContractClient
from tests.helpers import ids, quotes

COLLISION = "chinese-vessels-collide-with-philippine-boats-2024-06"


def test_the_list_holds_the_four_incidents(api: ContractClient) -> None:
    assert len(ids(api.get("/api/v1/incidents").get_json())) == 4


def test_the_june_collision(api: ContractClient) -> None:
    collision = api.get(f"/api/v1/incidents/{COLLISION}").get_json()
    assert collision["kind"] == "collision"
    assert (collision["occurred_on"], collision["occurred_on_precision"]) == ("2024-06-17", "day")
    assert collision["occurred_on_as_stated"] == "in June"
    assert collision["injuries"] == 1 and collision["deaths"] is None
    roles = {a["actor"]["id"]: a["role"] for a in collision["actors"]}
    assert roles == {"CN": "initiator", "PH": "target"}
    assert any("losing a finger" in q for q in quotes(collision))


def test_a_recurring_pattern_has_no_invented_date(api: ContractClient) -> None:
    evictions = api.get("/api/v1/incidents/east-china-sea-coastguard-eviction-attempts").get_json()
    assert evictions["recurring"] is True
    assert evictions["occurred_on"] is None and evictions["occurred_on_precision"] == "unknown"
    assert evictions["dispute"]["id"] == "east-china-sea-islands"
