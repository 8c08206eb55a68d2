"""Health probes: /api/v1/health is liveness (always 200, queries nothing);
/api/v1/health/ready is readiness (database answers and is at the head migration)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from api import create_app, db
from api.cli import upgrade
from api.docs import load_spec
from tests.conftest import ContractClient, StatementCounter

LIVE = "/api/v1/health"
READY = "/api/v1/health/ready"


def fresh_app(url: str) -> Flask:
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "test", "TESTING": True})


def get_ready(api: ContractClient, **kwargs: Any) -> Any:
    """Validated against openapi.yaml once the readiness path is documented there."""
    return api.get(READY, validate=READY in load_spec()["paths"], **kwargs)


def assert_unready(response: Any) -> dict[str, Any]:
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Cache-Control"] == "no-store"
    body: dict[str, Any] = response.get_json()
    assert body["status"] == 503 and body["type"] == "/problems/service-unavailable"
    assert body["instance"] == READY
    return body


def test_liveness_is_ok_and_reports_the_database_last_seen(api: ContractClient) -> None:
    response = api.get(LIVE)
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store" and "ETag" not in response.headers


def test_liveness_sends_no_query(api: ContractClient, count_queries: StatementCounter) -> None:
    assert api.get(LIVE).status_code == 200
    assert count_queries.count == 0


def test_readiness_is_ready_at_head(api: ContractClient) -> None:
    response = get_ready(api)
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "database": "ok", "migrations": "head"}
    assert response.headers["Cache-Control"] == "no-store" and "ETag" not in response.headers


def test_readiness_ignores_if_none_match(api: ContractClient) -> None:
    assert get_ready(api, headers={"If-None-Match": "*"}).status_code == 200


@pytest.mark.parametrize("path", [LIVE, READY])
def test_probes_take_no_parameters(api: ContractClient, path: str) -> None:
    response = api.get(f"{path}?verbose=1", validate=path in load_spec()["paths"])
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


def test_readiness_is_503_when_the_schema_is_behind(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'behind.sqlite3'}"
    upgrade(url, "0001")
    app = fresh_app(url)
    try:
        client = app.test_client()
        body = assert_unready(client.get(READY))
        assert "migration" in body["detail"]
        assert client.get(LIVE).status_code == 200  # alive, just not ready
        upgrade(url)
        assert client.get(READY).status_code == 200  # ready once migrated, same process
    finally:
        db.engine(app).dispose()


def test_readiness_is_503_on_an_empty_database(tmp_path: Path) -> None:
    app = fresh_app(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        assert "migration" in assert_unready(app.test_client().get(READY))["detail"]
    finally:
        db.engine(app).dispose()


def test_readiness_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    app = fresh_app(f"sqlite:///{tmp_path}")  # a folder: SQLite cannot open it as a database
    try:
        client = app.test_client()
        live = client.get(LIVE)
        assert live.status_code == 200 and live.get_json()["database"] == "unknown"
        body = assert_unready(client.get(READY))
        assert body["detail"] == "The database is unreachable."
        live = client.get(LIVE)  # liveness stays 200; it reports what readiness ran into
        assert live.status_code == 200
        assert live.get_json() == {"status": "ok", "database": "unavailable"}
    finally:
        db.engine(app).dispose()
