"""Small helpers the resource tests share."""

from __future__ import annotations

from typing import Any

from tests.conftest import ContractClient

# Every top-level collection of the API, as the index lists them.
COLLECTIONS = [
    "countries",
    "organizations",
    "people",
    "meetings",
    "commitments",
    "disputes",
    "incidents",
    "sources",
]


def ids(body: dict[str, Any]) -> list[str]:
    return [item["id"] for item in body["data"]]


def all_items(api: ContractClient, url: str) -> list[dict[str, Any]]:
    """Follow `links.next` to the end and return every item of a list."""
    items: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url:
        body = api.get(next_url).get_json()
        items.extend(body["data"])
        next_url = body["links"]["next"]
    return items


def quotes(resource: dict[str, Any]) -> list[str]:
    return [e["quote"] for e in resource["evidence"] if e["quote"]]
