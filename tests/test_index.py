"""GET /api/v1 links every collection; /api/v1/health reports the database."""

from __future__ import annotations

from tests.conftest import ContractClient
from tests.helpers import COLLECTIONS


def test_the_index_links_every_collection(api: ContractClient) -> None:
    body = api.get("/api/v1").get_json()
    assert list(body["collections"]) == COLLECTIONS
    for url in body["collections"].values():
        assert api.get(url.split("localhost", 1)[1]).status_code == 200


def test_health_reports_the_database_reachable(api: ContractClient) -> None:
    assert api.get("/api/v1/health").get_json() == {"status": "ok", "database": "ok"}


def test_head_answers_like_get_without_a_body(api: ContractClient) -> None:
    response = api.request("HEAD", "/api/v1/countries/JP", validate=False)
    assert response.status_code == 200 and response.data == b""


def test_every_response_has_a_request_id_echoing_a_valid_one(api: ContractClient) -> None:
    assert api.get("/api/v1/health").headers["X-Request-Id"]
    echoed = api.get("/api/v1/health", headers={"X-Request-Id": "abc-123"})
    assert echoed.headers["X-Request-Id"] == "abc-123"
    replaced = api.get("/api/v1/health", headers={"X-Request-Id": "bad id\twith tab"})
    assert replaced.headers["X-Request-Id"] != "bad id\twith tab"
