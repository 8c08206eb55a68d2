"""GET /api/v1/commitments: who pledged what to whom, with money, items and status."""

from __future__ import annotations

import pytest

from tests.conftest import ContractClient
from tests.helpers import all_items, quotes

MALAYSIA = "japan-malaysia-maritime-security-equipment-2023"


def test_list_items_show_givers_recipients_and_amounts(api: ContractClient) -> None:
    items = {c["id"]: c for c in all_items(api, "/api/v1/commitments")}
    assert len(items) == 12
    malaysia = items[MALAYSIA]
    assert [g["party"]["id"] for g in malaysia["givers"]] == ["JP"]
    assert [r["party"]["id"] for r in malaysia["recipients"]] == ["MY"]
    assert "evidence" not in malaysia  # the detail carries evidence; lists stay light


def test_money_keeps_the_stated_amount_and_the_reported_conversion(api: ContractClient) -> None:
    malaysia = api.get(f"/api/v1/commitments/{MALAYSIA}").get_json()
    amounts = {(a["currency"], a["basis"]): a for a in malaysia["amounts"]}
    assert amounts[("JPY", "stated")]["amount"] == 400_000_000
    usd = amounts[("USD", "reported_conversion")]
    assert usd["amount"] == 2_800_000 and usd["approximate"] is True
    assert all(quotes(a) for a in malaysia["amounts"])


def test_items_say_how_certain_their_quantity_is(api: ContractClient) -> None:
    malaysia = api.get(f"/api/v1/commitments/{MALAYSIA}").get_json()
    boats = next(i for i in malaysia["items"] if i["description"].lower() == "rescue boats")
    assert boats["quantity"] is None and boats["quantity_status"] == "unspecified"
    vessel = api.get("/api/v1/commitments/japan-indonesia-patrol-vessel-2023").get_json()
    assert [(i["quantity"], i["quantity_status"]) for i in vessel["items"]] == [(1, "exact")]


def test_who_made_it_where_and_when(api: ContractClient) -> None:
    malaysia = api.get(f"/api/v1/commitments/{MALAYSIA}").get_json()
    assert malaysia["made_by"]["id"] == "fumio-kishida"
    assert malaysia["meeting"]["id"] == "japan-malaysia-leaders-meeting-2023-12"
    assert (malaysia["made_on"], malaysia["made_on_as_stated"]) == ("2023-12-16", "Saturday")


def test_a_time_horizon_is_kept_with_its_wording(api: ContractClient) -> None:
    digital = api.get(
        "/api/v1/commitments/japan-asean-digital-professionals-training-2024"
    ).get_json()
    assert digital["horizon_months"] == 60
    assert digital["horizon_as_stated"] == "over the next five years"
    assert [i["quantity"] for i in digital["items"]] == [100_000]
    assert digital["recipients"][0]["party"]["id"] == "asean"


def test_status_history_is_dated(api: ContractClient) -> None:
    radar = api.get(
        "/api/v1/commitments/japan-philippines-coastal-surveillance-radar-2023"
    ).get_json()
    assert radar["status"] == "signed"
    assert [(s["status"], s["date"]) for s in radar["status_history"]] == [("signed", "2023-11-03")]


@pytest.mark.parametrize("commitment", [c for c in [MALAYSIA, "mekong-japan-supply-chains-2024"]])
def test_every_part_of_a_commitment_has_evidence(api: ContractClient, commitment: str) -> None:
    body = api.get(f"/api/v1/commitments/{commitment}").get_json()
    assert quotes(body)
    for part in ("givers", "recipients", "items", "amounts", "status_history"):
        assert all(quotes(row) for row in body[part]), part
