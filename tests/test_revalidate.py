"""A still-valid ETag is answered before Flask (api/revalidate.py) exactly as Flask would."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import Client, TestResponse

LIST = "/api/v1/commitments?count=false&limit=5"
URLS = [
    LIST,
    "/api/v1/commitments/japan-malaysia-maritime-security-equipment-2023",
    "/api/v1/countries/JP/commitments?sort=-made_on",
    "/api/v1/disputes?format=geojson",
]


def clients(app: Flask) -> tuple[Client, Client]:
    """(through the revalidation layer, straight to Flask)."""
    inner = app.wsgi_app.wsgi_app  # type: ignore[attr-defined]
    return Client(app, TestResponse), Client(inner, TestResponse)


def headers_of(response: TestResponse) -> dict[str, str]:
    out = dict(response.headers)
    out.pop("X-Request-Id", None)
    return out


@pytest.fixture()
def fast(app: Flask, make_app: Any) -> Flask:  # `app`: the migrated, seeded test database
    app: Flask = make_app({"SECRET_KEY": "test", "RATELIMIT_ENABLED": False})
    return app


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize(
    "extra",
    [{}, {"Origin": "https://example.org"}, {"Accept": "application/json"}],
    ids=["plain", "origin", "accept"],
)
def test_the_early_304_has_the_headers_flask_gives(
    fast: Flask, url: str, extra: dict[str, str]
) -> None:
    outer, inner = clients(fast)
    etag = outer.get(url, headers=extra).headers["ETag"]
    conditional = {**extra, "If-None-Match": etag}
    early = outer.get(url, headers=conditional)
    via_flask = inner.get(url, headers=conditional)
    assert early.status_code == via_flask.status_code == 304
    assert early.data == via_flask.data == b""
    assert headers_of(early) == headers_of(via_flask)
    assert len(early.headers["X-Request-Id"]) == 32


def test_head_and_the_clients_request_id(fast: Flask) -> None:
    outer, _ = clients(fast)
    etag = outer.get(LIST).headers["ETag"]
    early = outer.head(LIST, headers={"If-None-Match": etag, "X-Request-Id": "trace-42"})
    assert early.status_code == 304
    assert early.headers["X-Request-Id"] == "trace-42"


def test_it_is_counted_and_logged(fast: Flask, caplog: pytest.LogCaptureFixture) -> None:
    outer, _ = clients(fast)
    etag = outer.get(LIST).headers["ETag"]

    def served_304() -> float:
        scrape = outer.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"})
        text = scrape.get_data(as_text=True)
        line = next(
            (
                x
                for x in text.splitlines()
                if x.startswith("flask_http_request_total{")
                and 'method="GET"' in x
                and 'status="304"' in x
            ),
            None,
        )
        return float(line.rsplit(" ", 1)[1]) if line else 0.0

    before = served_304()
    with caplog.at_level(logging.INFO, logger="regsec.access"):
        assert outer.get(LIST, headers={"If-None-Match": etag}).status_code == 304
    assert served_304() == before + 1
    logged = [r for r in caplog.records if getattr(r, "status", None) == 304]
    assert logged and logged[-1].path == "/api/v1/commitments"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "condition",
    ['"not-the-etag"', "*"],
    ids=["other-etag", "star"],
)
def test_anything_else_goes_to_flask(fast: Flask, condition: str) -> None:
    outer, _ = clients(fast)
    response = outer.get(LIST, headers={"If-None-Match": condition})
    assert response.status_code == 200
    assert response.json is not None and response.json["data"]


def test_with_rate_limits_on_flask_answers_and_counts(app: Flask, make_app: Any) -> None:
    app = make_app({"SECRET_KEY": "test", "RATELIMIT_APPLICATION": "1000 per minute"})
    outer, _ = clients(app)
    etag = outer.get(LIST).headers["ETag"]
    early = outer.get(LIST, headers={"If-None-Match": etag})
    assert early.status_code == 304
    assert "RateLimit-Remaining" in early.headers  # the limiter saw it: Flask answered


def test_the_data_changing_ends_the_match(fast: Flask) -> None:
    outer, _ = clients(fast)
    versions = fast.extensions["regsec.versions"]
    etag = outer.get(LIST).headers["ETag"]
    versions._read_at = 0.0  # as if the cached version were stale: re-read through Flask
    assert outer.get(LIST, headers={"If-None-Match": etag}).status_code == 304
    assert versions.cached() is not None
