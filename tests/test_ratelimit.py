"""Rate limits per client: RateLimit-* headers, 429 problem+json with Retry-After."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import redis


@pytest.fixture(autouse=True)
def _seeded(app: Any) -> None:
    """The apps made here read the migrated, seeded test database (run alone, too)."""


def limited_app(make_app: Any, storage: str = "memory://", prefix: str = "") -> object:
    return make_app(
        {
            "RATELIMIT_APPLICATION": "3 per minute",
            "RATELIMIT_STORAGE_URI": storage,
            "RATELIMIT_KEY_PREFIX": prefix,
        }
    )


def exhaust(app: object, path: str = "/api/v1/countries/JP") -> list[object]:
    client = app.test_client()  # type: ignore[attr-defined]
    return [client.get(path) for _ in range(4)]


def test_each_response_says_what_is_left(make_app: Any) -> None:
    first = exhaust(limited_app(make_app))[0]
    assert first.headers["RateLimit-Limit"] == "3"  # type: ignore[attr-defined]
    assert first.headers["RateLimit-Remaining"] == "2"  # type: ignore[attr-defined]
    assert "RateLimit-Reset" in first.headers  # type: ignore[attr-defined]
    assert "Retry-After" not in first.headers  # type: ignore[attr-defined]


def test_over_the_limit_is_a_429_problem_with_retry_after(make_app: Any) -> None:
    last = exhaust(limited_app(make_app))[-1]
    assert last.status_code == 429  # type: ignore[attr-defined]
    assert last.mimetype == "application/problem+json"  # type: ignore[attr-defined]
    body = last.get_json()  # type: ignore[attr-defined]
    assert body["status"] == 429 and body["type"] == "/problems/too-many-requests"
    assert int(last.headers["Retry-After"]) > 0  # type: ignore[attr-defined]
    assert last.headers["RateLimit-Remaining"] == "0"  # type: ignore[attr-defined]


def test_health_is_not_rate_limited(make_app: Any) -> None:
    responses = exhaust(limited_app(make_app), "/api/v1/health")
    assert {r.status_code for r in responses} == {200}  # type: ignore[attr-defined]


def _redis_up() -> bool:
    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.redis
@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379")
def test_redis_storage_shares_the_count_between_apps(make_app: Any) -> None:
    # Two app instances (two workers) with one Redis count: 2 + 2 requests exceed 3.
    storage, prefix = "redis://127.0.0.1:6379/0", f"regsec-test-{uuid.uuid4().hex}"
    one, two = (
        limited_app(make_app, storage, prefix),
        limited_app(make_app, storage, prefix),
    )
    statuses = [
        worker.test_client().get("/api/v1/countries/JP").status_code  # type: ignore[attr-defined]
        for worker in (one, one, two, two)
    ]
    assert statuses == [200, 200, 200, 429]


def test_one_count_per_client_for_the_whole_api(make_app: Any) -> None:
    # Not a count per route: the third request, to a third route, is over the limit.
    client = limited_app(make_app).test_client()  # type: ignore[attr-defined]
    paths = ["/api/v1/countries/JP", "/api/v1/meetings", "/api/v1", "/api/v1/countries"]
    statuses = [client.get(path).status_code for path in paths]
    assert statuses == [200, 200, 200, 429]
    # The health check and the metrics stay answered.
    assert client.get("/api/v1/health").status_code == 200
