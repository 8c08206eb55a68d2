"""Hardening: security headers on every response, no banner, request limits as problems."""

from __future__ import annotations

import json

import pytest
from flask import Flask, session
from flask.sessions import NullSession
from prometheus_client.parser import text_string_to_metric_families
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from api.security import header_bytes
from tests.conftest import ContractClient
from tests.helpers import access_log

PATHS = ["/api/v1", "/api/v1/countries/JP", "/api/v1/nothing", "/apidocs/", "/api/v1/commitments"]


@pytest.mark.parametrize("path", PATHS)
def test_security_headers_on_every_response(api: ContractClient, path: str) -> None:
    response = api.get(path, validate=False)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "default-src" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "Server" not in response.headers


def test_swagger_ui_csp_allows_only_the_app_itself(api: ContractClient) -> None:
    csp = api.get("/apidocs/", validate=False).headers["Content-Security-Policy"]
    assert "http" not in csp and "default-src 'self'" in csp


def test_an_over_long_url_is_a_414_problem(api: ContractClient) -> None:
    response = api.get("/api/v1/countries?name=" + "a" * 5000, validate=False)
    assert response.status_code == 414 and response.mimetype == "application/problem+json"


def test_over_large_headers_are_a_431_problem(api: ContractClient) -> None:
    response = api.get("/api/v1/countries", validate=False, headers={"X-Big": "b" * 20000})
    assert response.status_code == 431 and response.mimetype == "application/problem+json"


def test_an_over_large_body_is_a_413_problem(api: ContractClient) -> None:
    response = api.request("GET", "/api/v1/countries", validate=False, data=b"x" * 70000)
    assert response.status_code == 413 and response.mimetype == "application/problem+json"


def test_debug_is_off_unless_configured(app: object) -> None:
    assert app.debug is False  # type: ignore[attr-defined]


def _scrape(api: ContractClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of /metrics, by name and labels."""
    text = api.get("/metrics", validate=False).get_data(as_text=True)
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_count_requests_by_endpoint_and_status(api: ContractClient) -> None:
    api.get("/api/v1/countries/JP")
    before = _scrape(api)
    api.get("/api/v1/countries/JP")
    api.get("/api/v1/countries/VN")
    api.get("/api/v1/countries/XX", validate=False)
    after = _scrape(api)

    def grew(name: str, **labels: str) -> float:
        key = (name, frozenset(labels.items()))
        return after[key] - before.get(key, 0.0)

    rule = "/api/v1/countries/<id>"
    duration = "flask_http_request_duration_seconds"
    assert grew(f"{duration}_count", method="GET", url_rule=rule, status="200") == 2
    assert grew(f"{duration}_count", method="GET", url_rule=rule, status="404") == 1
    assert grew(f"{duration}_bucket", method="GET", url_rule=rule, status="200", le="+Inf") == 2
    assert grew(f"{duration}_sum", method="GET", url_rule=rule, status="200") > 0
    # Both lookups, and nothing else: the scrapes of /metrics are not counted.
    assert grew("flask_http_request_total", method="GET", status="200") == 2
    assert not any(("url_rule", "/metrics") in labels for _, labels in after)


def test_metrics_are_not_served_to_public_clients(api: ContractClient) -> None:
    response = api.get("/metrics", validate=False, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 404


def test_one_json_access_log_line_per_request(
    api: ContractClient, caplog: pytest.LogCaptureFixture
) -> None:
    with access_log(caplog) as logged:
        response = api.get("/api/v1/countries/JP", headers={"X-Request-Id": "trace-42"})
    records = [r for r in logged if getattr(r, "request_id", None) == "trace-42"]
    assert len({id(r) for r in records}) == 1  # one record (pytest may list it per handler)
    from api.observability import JsonFormatter

    line = json.loads(JsonFormatter().format(records[0]))
    assert line["method"] == "GET" and line["path"] == "/api/v1/countries/JP"
    assert line["status"] == 200 and line["request_id"] == "trace-42"
    assert line["client"] == "127.0.0.1" and line["duration_ms"] >= 0
    assert response.headers["X-Request-Id"] == "trace-42"


def test_the_api_opens_no_sessions_and_sets_no_cookies(app: Flask, api: ContractClient) -> None:
    response = api.get("/api/v1/commitments?limit=1")
    assert "Set-Cookie" not in response.headers
    with app.test_request_context("/api/v1/commitments"):
        assert isinstance(session._get_current_object(), NullSession)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Accept": "text/csv", "X-Request-Id": "abc", "If-None-Match": '"x"'},
        {"Content-Type": "application/json", "Content-Length": "0", "X-Long-Name_Here": "v"},
    ],
)
def test_the_header_size_is_counted_as_the_request_lists_the_headers(
    headers: dict[str, str],
) -> None:
    environ = EnvironBuilder("/api/v1/countries", headers=headers).get_environ()
    listed = Request(environ).headers
    assert header_bytes(environ) == sum(len(k) + len(v) + 4 for k, v in listed.items())


@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "q=ok&sort=%00name", "q=\x00"])
def test_a_nul_in_a_parameter_is_a_400_naming_it(api: ContractClient, query: str) -> None:
    response = api.get(f"/api/v1/commitments?{query}", validate=False)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert "NUL" in response.get_json()["detail"]


def test_an_encoded_percent_sign_before_00_is_not_a_nul(api: ContractClient) -> None:
    response = api.get("/api/v1/commitments?q=%2500", validate=False)
    assert response.status_code == 200
