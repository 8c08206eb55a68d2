"""GET /api/v1/meetings: who met whom, when, where, and who stayed away."""

from __future__ import annotations

from tests.conftest import ContractClient
from tests.helpers import all_items, ids, quotes

FMM = "asean-japan-foreign-ministers-meeting-2024"


def test_the_list_holds_every_meeting_of_both_documents(api: ContractClient) -> None:
    body = api.get("/api/v1/meetings").get_json()
    assert body["meta"]["total"] == 8
    assert {FMM, "asean-japan-commemorative-summit-2023", "japan-vietnam-summit-2023-11"} <= set(
        ids(body)
    )


def test_a_relative_date_is_resolved_and_its_wording_kept(api: ContractClient) -> None:
    meeting = api.get(f"/api/v1/meetings/{FMM}").get_json()
    assert (meeting["start_date"], meeting["start_date_precision"]) == ("2024-07-26", "day")
    assert meeting["start_date_as_stated"] == "Friday"
    citation = [e for e in meeting["evidence"] if e["supports"] == "start_date" and not e["quote"]]
    assert citation and citation[0]["source"]["id"] == "mofa-asean-japan-fmm-2024"
    assert citation[0]["quote"] is None


def test_participants_record_attendance_including_the_absent(api: ContractClient) -> None:
    meeting = api.get(f"/api/v1/meetings/{FMM}").get_json()
    attendance = {
        p["participant"]["id"]: p["attendance"]
        for p in meeting["participants"]
        if p["participant"]["type"] == "country"
    }
    assert attendance["MM"] == "absent"
    assert {c for c, a in attendance.items() if a == "attended"} >= {
        "JP",
        "BN",
        "KH",
        "ID",
        "LA",
        "MY",
        "PH",
        "SG",
        "TH",
        "VN",
    }
    assert all(quotes(p) for p in meeting["participants"])
    assert (meeting["city"], meeting["country"]["id"]) == ("Vientiane", "LA")


def test_representatives_are_marked_as_represented(api: ContractClient) -> None:
    talks = api.get("/api/v1/meetings/japan-mekong-talks-2024-07").get_json()
    represented = {
        p["participant"]["id"] for p in talks["participants"] if p["attendance"] == "represented"
    }
    assert represented == {"KH", "LA", "MM", "TH", "VN"}


def test_outcomes_carry_the_statement_with_its_quote(api: ContractClient) -> None:
    summit = api.get("/api/v1/meetings/asean-japan-commemorative-summit-2023").get_json()
    statements = [o for o in summit["outcomes"] if o["kind"] == "joint_statement"]
    assert any("uphold international law" in q for o in statements for q in quotes(o))


def test_a_part_of_a_larger_event_links_to_it(api: ContractClient) -> None:
    azec = api.get("/api/v1/meetings/azec-leaders-summit-2023").get_json()
    assert azec["parent"]["id"] == "asean-japan-commemorative-summit-2023"


def test_commitments_made_at_a_meeting(api: ContractClient) -> None:
    made = {c["id"] for c in all_items(api, f"/api/v1/meetings/{FMM}/commitments")}
    assert "japan-asean-digital-professionals-training-2024" in made
