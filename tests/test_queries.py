"""List pages cost a fixed number of SQL statements, whatever their size (no N+1)."""

from __future__ import annotations

import pytest

from tests.conftest import ContractClient, StatementCounter

LISTS = [
    "/api/v1/countries",
    "/api/v1/organizations",
    "/api/v1/people",
    "/api/v1/meetings",
    "/api/v1/commitments",
    "/api/v1/disputes",
    "/api/v1/incidents",
    "/api/v1/sources",
    "/api/v1/countries/JP/commitments",
    "/api/v1/organizations/asean/members",
]


@pytest.mark.parametrize("url", LISTS)
def test_a_page_costs_a_fixed_number_of_statements(
    api: ContractClient, count_queries: StatementCounter, url: str
) -> None:
    # One statement per eager-loaded relation, whatever the page size: N+1 would be 50+.
    items = api.get(f"{url}?limit=50").get_json()["data"]
    assert len(items) >= 2
    assert count_queries.count <= 10


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/commitments?expand=meeting,made_by,givers,recipients",
        "/api/v1/meetings?expand=parent,country",
        "/api/v1/incidents?expand=dispute,actors",
        "/api/v1/organizations?expand=country,parent",
    ],
)
def test_expanding_adds_no_statement_per_item(
    api: ContractClient, count_queries: StatementCounter, url: str
) -> None:
    api.get(url)
    assert count_queries.count <= 16


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/meetings/asean-japan-foreign-ministers-meeting-2024",
        "/api/v1/commitments/japan-malaysia-maritime-security-equipment-2023",
        "/api/v1/organizations/asean",
    ],
)
def test_a_detail_page_loads_in_a_bounded_number_of_statements(
    api: ContractClient, count_queries: StatementCounter, url: str
) -> None:
    api.get(url)
    assert count_queries.count <= 15
