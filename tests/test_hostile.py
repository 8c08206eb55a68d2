"""Hostile input never causes a 5xx, a hang or a leak, on any collection."""

from __future__ import annotations

import pytest

from tests.conftest import ContractClient
from tests.helpers import COLLECTIONS

INJECTIONS = ["' OR 1=1 --", "1; DROP TABLE countries", '" OR ""="', "1) UNION SELECT 1--"]
LEAKS = ("Traceback", "sqlalchemy", "psycopg", "sqlite3", "SELECT ", ".py", "/work/")


def assert_clean(response: object, *echoed: str) -> None:
    """No 5xx, and nothing internal in the body beyond what the client itself sent."""
    status = response.status_code  # type: ignore[attr-defined]
    assert status < 500, response.get_data(as_text=True)  # type: ignore[attr-defined]
    text = response.get_data(as_text=True)  # type: ignore[attr-defined]
    text = text.replace(response.request.path, "")  # type: ignore[attr-defined]
    for value in echoed:
        text = text.replace(value, "")
    for leak in LEAKS:
        assert leak not in text


@pytest.mark.parametrize("collection", COLLECTIONS)
@pytest.mark.parametrize("value", INJECTIONS)
def test_sql_injection_in_every_parameter(api: ContractClient, collection: str, value: str) -> None:
    for param in (
        "q",
        "sort",
        "fields",
        "expand",
        "cursor",
        "limit",
        "id",
        "name__contains",
        "kind",
        "title__startswith",
        "as_of",
    ):
        response = api.get(f"/api/v1/{collection}", query_string={param: value}, validate=False)
        assert_clean(response, value)
    assert_clean(api.get(f"/api/v1/{collection}/{value}", validate=False), value)


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_like_wildcards_match_literally(api: ContractClient, collection: str) -> None:
    name = {
        "countries": "name",
        "organizations": "name",
        "people": "name",
        "disputes": "name",
        "sources": "title",
    }.get(collection, "title")
    for pattern in ("%", "_", "%%", "\\"):
        response = api.get(f"/api/v1/{collection}", query_string={f"{name}__contains": pattern})
        assert_clean(response)
        assert response.get_json()["data"] == []


@pytest.mark.parametrize("collection", COLLECTIONS)
@pytest.mark.parametrize(
    "raw",
    ["q=%00", "name=%00abc", "q=%ff%fe", "q=%", "q=%zz", "limit=%00", "cursor=%ff", "sort=%00"],
)
def test_nul_bytes_bad_utf8_and_bad_percent_encoding(
    api: ContractClient, collection: str, raw: str
) -> None:
    assert_clean(api.get(f"/api/v1/{collection}?{raw}", validate=False))


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/countries/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/../../etc/passwd",
        "/api/v1/sources/%2e%2e%2f",
        "/apidocs/static/../../api/__init__.py",
        "/api/v1/countries/JP%00",
        "/api/v1/countries/%ff",
    ],
)
def test_path_traversal(api: ContractClient, path: str) -> None:
    response = api.get(path, validate=False)
    assert_clean(response)
    assert "import" not in response.get_data(as_text=True)


@pytest.mark.parametrize("collection", COLLECTIONS)
@pytest.mark.parametrize("value", ["99999999999999999999999", "-1", "1e309", "NaN", "0x10"])
def test_absurd_numbers(api: ContractClient, collection: str, value: str) -> None:
    response = api.get(f"/api/v1/{collection}", query_string={"limit": value}, validate=False)
    assert response.status_code == 400
    assert_clean(
        api.get("/api/v1/commitments", query_string={"horizon_months__gt": value}, validate=False)
    )


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_forged_cursors(api: ContractClient, collection: str) -> None:
    for cursor in [
        "W10.AAAA",
        "eyJ4Ijp9.x",
        "a" * 999,
        "WyJuZXh0IiwiaWQiLFsiWiJdXQ.AAAAAAAAAAAAAAAA",
    ]:
        response = api.get(f"/api/v1/{collection}", query_string={"cursor": cursor})
        assert response.status_code == 400


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_duplicate_parameters_are_rejected(api: ContractClient, collection: str) -> None:
    response = api.get(f"/api/v1/{collection}?limit=1&limit=2")
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/api/v2/countries", "/api/v0", "/api/countries", "/api/v1.1"])
def test_unknown_versions_are_404_problems(api: ContractClient, path: str) -> None:
    response = api.get(path, validate=False)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
