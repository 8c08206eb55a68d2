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
def test_a_page_of_fifty_costs_what_a_page_of_one_costs(
    api: ContractClient, count_queries: StatementCounter, url: str
) -> None:
    api.get(f"{url}?limit=1")
    one = count_queries.count
    count_queries.count = 0
    api.get(f"{url}?limit=50")
    assert count_queries.count == one


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
