"""Behind reverse proxies (TRUSTED_PROXIES): the client is the address the proxies forward.

A proxy on the same host connects from 127.0.0.1; without this setting every client would
share one rate-limit count and /metrics would answer anyone the proxy forwards.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import access_log

PROXY = {"REMOTE_ADDR": "127.0.0.1"}  # a proxy on the same host
PUBLIC = "203.0.113.9"  # TEST-NET-3: a client on the internet
OTHER = "198.51.100.7"  # TEST-NET-2: another one


@pytest.fixture(autouse=True)
def _seeded(app: Any) -> None:
    """The apps made here read the migrated, seeded test database."""


def proxied_app(make_app: Any, proxies: int, **overrides: Any) -> Any:
    return make_app({"TRUSTED_PROXIES": proxies, **overrides})


def get(app: Any, path: str, forwarded_for: str | None, **headers: str) -> Any:
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    return app.test_client().get(path, headers=headers, environ_base=PROXY)


def test_metrics_are_not_served_through_a_trusted_proxy_to_a_public_client(
    make_app: Any,
) -> None:
    app = proxied_app(make_app, 1)
    assert get(app, "/metrics", PUBLIC).status_code == 404
    # A scraper on the private network, through the same proxy, is still answered.
    assert get(app, "/metrics", "10.1.2.3").status_code == 200


def test_without_trusted_proxies_forwarded_headers_are_ignored(make_app: Any) -> None:
    app = proxied_app(make_app, 0)
    # The peer is what counts: loopback is answered whatever it claims to forward...
    assert get(app, "/metrics", PUBLIC).status_code == 200
    # ...and a public client cannot pose as a private one.
    response = app.test_client().get(
        "/metrics", headers={"X-Forwarded-For": "10.1.2.3"}, environ_base={"REMOTE_ADDR": PUBLIC}
    )
    assert response.status_code == 404


def test_only_the_entries_the_trusted_proxies_added_count(make_app: Any) -> None:
    # The client wrote "10.1.2.3" itself; the one proxy appended the address it saw.
    app = proxied_app(make_app, 1)
    assert get(app, "/metrics", f"10.1.2.3, {PUBLIC}").status_code == 404
    # Two proxies: the second-last entry is the client, added by the outer proxy.
    two = proxied_app(make_app, 2)
    assert get(two, "/metrics", f"{PUBLIC}, 10.0.0.5").status_code == 404
    assert get(two, "/metrics", f"{PUBLIC}, 10.1.2.3, 10.0.0.5").status_code == 200


def test_each_forwarded_client_has_its_own_rate_limit(make_app: Any) -> None:
    app = proxied_app(make_app, 1, RATELIMIT_APPLICATION="2 per minute")
    path = "/api/v1/countries/JP"
    first = [get(app, path, PUBLIC).status_code for _ in range(3)]
    assert first == [200, 200, 429]
    # Another client behind the same proxy is not limited by the first one's requests.
    assert get(app, path, OTHER).status_code == 200


def test_without_trusted_proxies_clients_behind_a_proxy_share_its_limit(make_app: Any) -> None:
    # What the setting is for: the proxy's own address is the only client the app sees.
    app = proxied_app(make_app, 0, RATELIMIT_APPLICATION="2 per minute")
    path = "/api/v1/countries/JP"
    statuses = [get(app, path, client).status_code for client in (PUBLIC, PUBLIC, OTHER)]
    assert statuses == [200, 200, 429]


def test_links_use_the_scheme_the_proxy_forwards(make_app: Any) -> None:
    app = proxied_app(make_app, 1)
    body = get(app, "/api/v1/countries/JP", PUBLIC, **{"X-Forwarded-Proto": "https"}).get_json()
    assert body["url"].startswith("https://")
    plain = get(
        proxied_app(make_app, 0), "/api/v1/countries/JP", PUBLIC, **{"X-Forwarded-Proto": "https"}
    ).get_json()
    assert plain["url"].startswith("http://")


def test_the_access_log_names_the_forwarded_client(
    make_app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with access_log(caplog) as records:
        get(proxied_app(make_app, 1), "/api/v1/countries/JP", PUBLIC)
    clients = {getattr(r, "client", None) for r in records}
    assert clients == {PUBLIC}  # pytest may list the one record once per handler


@pytest.mark.parametrize("value", [-1, "2", True, 1.5])
def test_a_trusted_proxy_count_must_be_a_whole_number(make_app: Any, value: Any) -> None:
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        make_app({"TRUSTED_PROXIES": value})
