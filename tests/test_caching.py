"""HTTP caching: strong ETags, 304 revalidation, Cache-Control, Last-Modified; CORS."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.conftest import ContractClient


def test_every_get_has_a_strong_etag_and_cache_headers(api: ContractClient, app: Flask) -> None:
    response = api.get("/api/v1/meetings")
    assert response.headers["ETag"].startswith('"')
    assert response.headers["Cache-Control"] == f"public, max-age={app.config['CACHE_MAX_AGE']}"
    assert response.headers["Last-Modified"].endswith("GMT")
    assert {"Accept", "Origin"} <= {v.strip() for v in response.headers["Vary"].split(",")}


def test_if_none_match_gives_304_without_a_body(api: ContractClient) -> None:
    etag = api.get("/api/v1/countries/JP").headers["ETag"]
    response = api.get("/api/v1/countries/JP", headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.data == b""
    assert response.headers["ETag"] == etag


def test_a_different_representation_has_a_different_etag(api: ContractClient) -> None:
    one = api.get("/api/v1/countries?limit=1").headers["ETag"]
    two = api.get("/api/v1/countries?limit=2").headers["ETag"]
    csv = api.get("/api/v1/countries?limit=1", headers={"Accept": "text/csv"}).headers["ETag"]
    assert len({one, two, csv}) == 3


def test_a_stale_etag_gets_the_body(api: ContractClient) -> None:
    response = api.get("/api/v1/countries/JP", headers={"If-None-Match": '"stale"'})
    assert response.status_code == 200 and response.get_json()["id"] == "JP"


def test_health_is_never_cached(api: ContractClient) -> None:
    response = api.get("/api/v1/health")
    assert response.headers["Cache-Control"] == "no-store" and "ETag" not in response.headers


def test_simple_cors_get_from_any_origin(api: ContractClient) -> None:
    response = api.get("/api/v1/countries/JP", headers={"Origin": "https://maps.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    exposed = {h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"ETag", "Link", "X-Request-Id"} <= exposed


def test_cors_preflight(api: ContractClient) -> None:
    response = api.request(
        "OPTIONS",
        "/api/v1/commitments",
        validate=False,
        headers={
            "Origin": "https://maps.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]


def _http_and_https(get: Any) -> None:
    http = get("http://api.example", {})
    https = get("https://api.example", {})
    assert http.get_json()["url"].startswith("http://api.example/")
    assert https.get_json()["url"].startswith("https://api.example/")
    assert http.headers["ETag"] != https.headers["ETag"]
    # A client that now asks over https, holding the http body's ETag, gets the https body.
    again = get("https://api.example", {"If-None-Match": http.headers["ETag"]})
    assert again.status_code == 200 and again.get_json()["url"].startswith("https://")
    assert get("https://api.example", {"If-None-Match": https.headers["ETag"]}).status_code == 304


def test_http_and_https_bodies_have_their_own_etags(api: ContractClient) -> None:
    # Answered by the revalidation layer in front of Flask (rate limiting off).
    _http_and_https(
        lambda base, headers: api.get("/api/v1/countries/JP", base_url=base, headers=headers)
    )


def test_http_and_https_bodies_have_their_own_etags_through_flask(make_app: Any) -> None:
    # With rate limiting on, Flask answers revalidations itself (api/caching.py).
    client = make_app({"RATELIMIT_APPLICATION": "100 per minute"}).test_client()
    _http_and_https(
        lambda base, headers: client.get("/api/v1/countries/JP", base_url=base, headers=headers)
    )
