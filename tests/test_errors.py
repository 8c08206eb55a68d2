"""Every error is application/problem+json with the right status; nothing internal leaks."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ContractClient
from tests.helpers import COLLECTIONS


def assert_problem(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response.mimetype == "application/problem+json"  # type: ignore[attr-defined]
    body = response.get_json()  # type: ignore[attr-defined]
    assert body["status"] == status
    for key in ("type", "title", "detail", "instance"):
        assert isinstance(body[key], str) and body[key]
    assert body["type"].startswith("/problems/")
    return body  # type: ignore[no-any-return]


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_unknown_id_is_a_404_problem(api: ContractClient, collection: str) -> None:
    body = assert_problem(api.get(f"/api/v1/{collection}/no-such-thing"), 404)
    assert "no-such-thing" in str(body["detail"]).lower()


def test_unknown_path_is_a_404_problem(api: ContractClient) -> None:
    assert_problem(api.get("/api/v1/nothing-here", validate=False), 404)


@pytest.mark.parametrize("collection", COLLECTIONS)
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writes_are_405_with_allow(api: ContractClient, collection: str, method: str) -> None:
    response = api.request(method, f"/api/v1/{collection}", validate=False)
    assert_problem(response, 405)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}


@pytest.mark.parametrize(
    "query, name",
    [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=ten", "limit"),
        ("cursor=not-a-cursor", "cursor"),
        ("colour=red", "colour"),
        ("count=maybe", "count"),
        ("limit=5&limit=6", "limit"),
    ],
)
@pytest.mark.parametrize("collection", COLLECTIONS)
def test_bad_list_parameters_are_a_400_naming_them(
    api: ContractClient, collection: str, query: str, name: str
) -> None:
    body = assert_problem(api.get(f"/api/v1/{collection}?{query}"), 400)
    assert name in [e["name"] for e in body["errors"]]  # type: ignore[attr-defined]


def test_detail_endpoints_reject_unknown_parameters(api: ContractClient) -> None:
    body = assert_problem(api.get("/api/v1/countries/JP?expand=everything"), 400)
    assert body["errors"] == [{"name": "expand", "reason": "Unknown query parameter."}]


def test_an_unexpected_error_is_a_500_that_reveals_nothing(make_app: Any) -> None:
    app = make_app({})

    @app.get("/api/v1/_boom")
    def _boom() -> None:
        raise RuntimeError("secret /etc/passwd SELECT * FROM countries")

    response = app.test_client().get("/api/v1/_boom")
    body = assert_problem(response, 500)
    text = response.get_data(as_text=True)
    for leak in ("secret", "passwd", "SELECT", "Traceback", "RuntimeError", ".py"):
        assert leak not in text
    assert body["request_id"] == response.headers["X-Request-Id"]
