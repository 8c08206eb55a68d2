"""Filters: `field=value` and `field__op=value` on every collection, one grammar."""

from __future__ import annotations

import pytest

from api.listing import Collection
from api.v1.commitments.queries import COLLECTION as COMMITMENTS
from api.v1.countries.queries import COLLECTION as COUNTRIES
from api.v1.disputes.queries import COLLECTION as DISPUTES
from api.v1.incidents.queries import COLLECTION as INCIDENTS
from api.v1.meetings.queries import COLLECTION as MEETINGS
from api.v1.organizations.queries import COLLECTION as ORGANIZATIONS
from api.v1.people.queries import COLLECTION as PEOPLE
from api.v1.sources.queries import COLLECTION as SOURCES
from tests.conftest import ContractClient
from tests.helpers import all_items

COLLECTIONS = {
    "countries": COUNTRIES,
    "organizations": ORGANIZATIONS,
    "people": PEOPLE,
    "meetings": MEETINGS,
    "commitments": COMMITMENTS,
    "disputes": DISPUTES,
    "incidents": INCIDENTS,
    "sources": SOURCES,
}


def found(api: ContractClient, query: str) -> set[str]:
    return {item["id"] for item in all_items(api, f"/api/v1/{query}")}


# ---- relations by id --------------------------------------------------------------------


def test_commitments_by_giver_and_recipient(api: ContractClient) -> None:
    assert found(api, "commitments?giver=JP&recipient=MY") == {
        "japan-malaysia-maritime-security-equipment-2023"
    }


def test_party_matches_either_side(api: ContractClient) -> None:
    assert found(api, "commitments?party=PH") == {
        "japan-philippines-coastal-surveillance-radar-2023"
    }
    assert found(api, "commitments?party=jp") >= found(api, "commitments?giver=JP")


def test_an_organization_can_be_a_party(api: ContractClient) -> None:
    assert "japan-asean-digital-professionals-training-2024" in found(
        api, "commitments?recipient=asean"
    )


def test_commitments_by_meeting_domain_and_announcement_date(api: ContractClient) -> None:
    maritime = found(api, "commitments?domain=maritime_security&announced__gte=2023-12-01")
    assert "japan-malaysia-maritime-security-equipment-2023" in maritime
    assert "japan-philippines-coastal-surveillance-radar-2023" not in maritime  # November
    at_fmm = found(api, "commitments?meeting=asean-japan-foreign-ministers-meeting-2024")
    assert "japan-asean-digital-professionals-training-2024" in at_fmm


def test_meetings_by_absent_participant(api: ContractClient) -> None:
    assert found(api, "meetings?participant=MM&attendance=absent") == {
        "asean-japan-foreign-ministers-meeting-2024"
    }


def test_participant_and_attendance_describe_the_same_row(api: ContractClient) -> None:
    # Japan attended the FMM where Myanmar was absent: not a meeting Japan was absent from.
    assert found(api, "meetings?participant=JP&attendance=absent") == set()


def test_meetings_by_city_and_kind(api: ContractClient) -> None:
    assert found(api, "meetings?city=Vientiane&kind=ministerial") == {
        "asean-japan-foreign-ministers-meeting-2024"
    }


def test_disputes_by_claimant(api: ContractClient) -> None:
    assert found(api, "disputes?claimant=JP") == {"east-china-sea-islands"}


def test_incidents_by_dispute_kind_and_actor(api: ContractClient) -> None:
    assert found(api, "incidents?dispute=south-china-sea&kind=collision&actor=PH") == {
        "chinese-vessels-collide-with-philippine-boats-2024-06"
    }
    assert "east-china-sea-coastguard-eviction-attempts" in found(
        api, "incidents?actor=japan-coast-guard"
    )


# ---- operators ----------------------------------------------------------------------------


def test_in_and_not(api: ContractClient) -> None:
    both = found(api, "disputes?kind__in=territorial,maritime")
    assert both == {"east-china-sea-islands", "south-china-sea"}
    assert found(api, "disputes?kind__not=maritime") == {"east-china-sea-islands"}


def test_contains_is_case_insensitive_and_wildcards_are_literal(api: ContractClient) -> None:
    assert "JP" in found(api, "countries?name__contains=JAPAN")
    assert found(api, "countries?name__contains=%25") == set()
    assert found(api, "countries?name__contains=_") == set()


def test_startswith(api: ContractClient) -> None:
    assert found(api, "countries?name__startswith=Viet") == {"VN"}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("name__contains=TÜRK", {"TR"}),
        ("name__contains=türk", {"TR"}),
        ("name__contains=CURAÇAO", {"CW"}),
        ("name__startswith=åland", {"AX"}),
        ("name__startswith=ÅLAND", {"AX"}),
        ("name__contains=Ç%25", set()),  # a wildcard in a non-ASCII value is literal too
        ("name__contains=ç_", set()),
    ],
)
def test_case_folds_every_letter_not_only_ascii(
    api: ContractClient, query: str, expected: set[str]
) -> None:
    # SQLite's lower() folds A-Z only: "TÜRK" once missed Türkiye there (not on PostgreSQL).
    assert found(api, f"countries?{query}") == expected


def test_isnull(api: ContractClient) -> None:
    undated = found(api, "incidents?occurred_on__isnull=true")
    assert "east-china-sea-coastguard-eviction-attempts" in undated
    assert undated.isdisjoint(found(api, "incidents?occurred_on__isnull=false"))


def test_number_comparisons(api: ContractClient) -> None:
    assert found(api, "incidents?injuries__gte=1") == {
        "chinese-vessels-collide-with-philippine-boats-2024-06"
    }
    assert found(api, "commitments?horizon_months__lt=60") == set()
    assert found(api, "commitments?horizon_months=60") == {
        "japan-asean-digital-professionals-training-2024"
    }


def test_boolean(api: ContractClient) -> None:
    assert "east-china-sea-coastguard-eviction-attempts" in found(api, "incidents?recurring=true")
    assert "east-china-sea-coastguard-eviction-attempts" not in found(
        api, "incidents?recurring=false"
    )


# ---- partial dates compare as intervals -------------------------------------------------


@pytest.mark.parametrize(
    "query, matches",
    [
        ("occurred_on=2024-06", True),
        ("occurred_on=2024", True),
        ("occurred_on=2024-06-17", True),
        ("occurred_on=2024-07", False),
        ("occurred_on__gte=2024-06-17", True),
        ("occurred_on__gt=2024-06-17", False),
        ("occurred_on__lt=2024-06", False),
        ("occurred_on__lte=2024-06", True),
        ("occurred_on__lt=2024-07-01", True),
    ],
)
def test_a_day_precise_date_against_partial_values(
    api: ContractClient, query: str, matches: bool
) -> None:
    collision = "chinese-vessels-collide-with-philippine-boats-2024-06"
    assert (collision in found(api, f"incidents?{query}")) is matches


def test_a_year_precise_fact_overlaps_any_month_of_its_year(api: ContractClient) -> None:
    # Laos chaired ASEAN "this year" (2024, year precision): it may have chaired in March.
    chairs = found(api, "countries?member_of=asean&membership_role=chair&as_of=2024-03-01")
    assert chairs == {"LA"}
    assert found(api, "countries?membership_role=chair&as_of=2025-01-01") == set()


# ---- rejections ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, name",
    [
        ("commitments?colour=red", "colour"),
        ("commitments?giver__like=JP", "giver__like"),
        ("commitments?giver__gt=JP", "giver__gt"),
        ("commitments?giver=Japan", "giver"),
        ("commitments?made_on=2024-13", "made_on"),
        ("commitments?made_on=yesterday", "made_on"),
        ("commitments?kind=gift", "kind"),
        ("commitments?horizon_months=five", "horizon_months"),
        ("incidents?recurring=maybe", "recurring"),
        ("incidents?occurred_on__isnull=perhaps", "occurred_on__isnull"),
        ("disputes?kind__in=", "kind__in"),
        ("countries?as_of=2024-07", "as_of"),
        ("meetings?sort=colour", "sort"),
        ("meetings?fields=title,colour", "fields"),
        ("meetings?expand=everything", "expand"),
        ("countries?member_of=ASEAN", "member_of"),
    ],
)
def test_bad_filters_are_400s_naming_the_parameter(
    api: ContractClient, query: str, name: str
) -> None:
    response = api.get(f"/api/v1/{query}")
    assert response.status_code == 400
    assert name in [e["name"] for e in response.get_json()["errors"]]


@pytest.mark.parametrize("collection", sorted(COLLECTIONS))
def test_every_declared_filter_and_operator_is_accepted(
    api: ContractClient, collection: str
) -> None:
    spec: Collection = COLLECTIONS[collection]
    samples = {
        "Text": "a",
        "Choice": None,
        "Number": "1",
        "Flag": "true",
        "PartialDate": "2024",
        "Related": None,
        "AsOf": "2024-07-26",
    }
    for name, flt in spec.filters.items():
        kind = type(flt).__name__
        value = samples[kind]
        if kind == "Choice":
            value = flt.choices[0]  # type: ignore[attr-defined]
        if kind == "Related":
            value = {"country": "JP", "actor": "JP", "currency": "JPY"}.get(
                flt.ids,
                "asean",  # type: ignore[attr-defined]
            )
        for op in sorted(flt.ops):
            param = name if op == "eq" else f"{name}__{op}"
            given = "true" if op == "isnull" else value
            response = api.get(f"/api/v1/{collection}?{param}={given}")
            assert response.status_code == 200, (param, response.get_json())


# ---- parsed filters are kept per collection and parameters (api/listing.py) ---------------


def test_a_repeated_filter_gives_the_same_page_and_the_same_errors(api: ContractClient) -> None:
    url = "/api/v1/commitments?giver=JP&made_on__gte=2020&sort=title"
    first, again = api.get(url).get_json(), api.get(url).get_json()
    assert first["data"] and again["data"] == first["data"]
    # the same parameters on another collection are parsed for that collection
    meetings = api.get("/api/v1/meetings?participant=JP").get_json()["data"]
    assert meetings and all(m["type"] == "meeting" for m in meetings)
    bad = "/api/v1/commitments?giver=not%20an%20id&made_on__gte=20x"
    problems = [api.get(bad).get_json() for _ in range(2)]
    assert problems[0]["errors"] == problems[1]["errors"]
    assert {e["name"] for e in problems[1]["errors"]} == {"giver", "made_on__gte"}


def test_kept_filters_are_bounded(api: ContractClient) -> None:
    from api import listing

    for day in range(1, 29):
        for month in range(1, 13):
            api.get(f"/api/v1/commitments?made_on__gte=2020-{month:02d}-{day:02d}&limit=1")
    app = api.client.application
    kept = app.extensions[listing.PARSED]
    assert 0 < len(kept) <= listing.PARSED_MAX
    with app.app_context():
        for n in range(listing.PARSED_MAX + 5):
            listing._filters(COMMITMENTS, (("made_on__gte", str(1000 + n)),))
    assert len(kept) <= listing.PARSED_MAX
