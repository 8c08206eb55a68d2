"""Swagger UI in a real browser: headless Chromium (Debian's `chromium`) driven by Playwright.

Serves the app (the session `app` fixture: migrated and seeded) with werkzeug on a free port of
127.0.0.1, opens /apidocs/, and checks that the page makes no request outside 127.0.0.1, lists
every tag of openapi.yaml, and that "Try it out" on GET /api/v1/countries/{id} returns Japan.

Skipped (never passed) without Playwright or Chromium; REGSEC_REQUIRE_BROWSER=1 turns that into
a failure, for CI. REGSEC_CHROMIUM names another Chromium binary (default /usr/bin/chromium).
Never run `playwright install`: the browser is the distribution's package.
"""

from __future__ import annotations

import faulthandler
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.serving import make_server

from api.config import PROJECT_ROOT
from api.docs import load_spec

REQUIRED = os.environ.get("REGSEC_REQUIRE_BROWSER") == "1"
CHROMIUM = Path(os.environ.get("REGSEC_CHROMIUM", "/usr/bin/chromium"))

try:
    from playwright.sync_api import Browser, Page, Route, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    if REQUIRED:
        raise
    pytest.skip(
        "Playwright for Python is not installed (.venv/bin/pip install playwright)",
        allow_module_level=True,
    )

CHROMIUM_MISSING = not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK))
if CHROMIUM_MISSING and REQUIRED:
    pytest.fail(f"REGSEC_REQUIRE_BROWSER=1 but there is no Chromium at {CHROMIUM}", pytrace=False)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM_MISSING,
        reason=f"no Chromium at {CHROMIUM} (apt-get install chromium, or set REGSEC_CHROMIUM)",
    ),
]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOST = "127.0.0.1"
TIMEOUT_MS = 20_000  # any single browser step: launch, navigation, a selector, a click
HARD_LIMIT_S = 300  # the whole module; past it the process dumps its stacks and exits
SCREENSHOT = PROJECT_ROOT / "artifacts" / "swagger-ui.png"
COUNTRY_PATH = "/api/v1/countries/{id}"


def spec_tags() -> list[str]:
    """Every tag openapi.yaml declares or an operation uses, in the declared order."""
    spec = load_spec()
    names = [tag["name"] for tag in spec.get("tags", [])]
    for item in spec["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                names += [t for t in operation.get("tags", []) if t not in names]
    return names


@pytest.fixture(scope="module", autouse=True)
def hard_limit() -> Iterator[None]:
    """Nothing here may hang CI: Playwright's own timeouts bound each step, this the rest."""
    faulthandler.dump_traceback_later(HARD_LIMIT_S, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(scope="module")
def live_server(app: Flask) -> Iterator[str]:
    """The app over the test database, served by werkzeug in a thread on a free port."""
    server = make_server(HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=TIMEOUT_MS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Visit:
    """A page and everything it asked for."""

    page: Page
    origin: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def outside(self) -> list[str]:
        """Requests to anywhere but the app, including those the page's CSP refused
        (data: and blob: never touch the network)."""
        blocked: list[str] = self.page.evaluate("window.__cspBlocked || []")
        return [
            url
            for url in self.requests + blocked
            if urlsplit(url).scheme not in ("data", "blob")
            and f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" != self.origin
        ]


@pytest.fixture()
def visit(browser: Browser, live_server: str) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    seen = Visit(page, live_server)

    def only_the_app(route: Route) -> None:
        # Record everything; let nothing leave 127.0.0.1 even if the assertions would catch it.
        url = route.request.url
        if url.startswith(live_server + "/"):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.on(
        "console",
        lambda message: seen.errors.append(message.text) if message.type == "error" else None,
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => (window.__cspBlocked = window.__cspBlocked || []).push(e.blockedURI));"
    )
    page.route("**/*", only_the_app)
    try:
        yield seen
    finally:
        context.close()


def open_docs(visit: Visit, query: str = "") -> Page:
    page = visit.page
    response = page.goto(f"{visit.origin}/apidocs/{query}", wait_until="load")
    assert response is not None and response.status == 200
    page.locator(".information-container .title").wait_for()
    page.locator("h4.opblock-tag").first.wait_for()
    return page


def test_swagger_ui_lists_every_tag_and_tries_a_country(visit: Visit) -> None:
    page = open_docs(visit)
    assert "Regional Security API" in page.locator(".information-container .title").inner_text()

    tags = spec_tags()
    assert "Countries" in tags
    shown = page.locator("h4.opblock-tag").evaluate_all(
        "tags => tags.map(tag => tag.getAttribute('data-tag'))"
    )
    missing = [tag for tag in tags if tag not in shown]
    assert not missing, f"tags of openapi.yaml not shown: {missing} (shown: {shown})"

    operation = page.locator(
        f'.opblock-get:has(.opblock-summary-path[data-path="{COUNTRY_PATH}"])'
    ).first
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    field = operation.locator('tr[data-param-name="id"] input')
    field.fill("JP")
    operation.locator("button.execute").click()

    live = operation.locator(".live-responses-table")
    status = live.locator("tbody .response-col_status").first
    status.wait_for()
    body = live.locator(".response-col_description .highlight-code").first
    body.wait_for()
    assert status.inner_text().strip() == "200", body.inner_text()
    assert "Japan" in body.inner_text()
    # The request Swagger UI sent (other parameters may carry the examples it prefills).
    sent = [urlsplit(url) for url in visit.requests]
    assert any(url.path == "/api/v1/countries/JP" for url in sent), visit.requests

    # The operation from its summary line down to the live response, in one image.
    page.set_viewport_size({"width": 1280, "height": 1700})
    operation.evaluate("element => element.scrollIntoView({block: 'start'})")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    print(f"screenshot: {SCREENSHOT}")

    assert not visit.outside(), f"requests left {HOST}: {visit.outside()}"
    assert f"{visit.origin}/api/v1/openapi.json" in visit.requests
    assert not visit.errors, visit.errors


def test_query_string_cannot_point_the_page_elsewhere(visit: Visit) -> None:
    """Swagger UI 3.x would load ?url= / ?configUrl=; the page drops them before starting."""
    page = open_docs(
        visit,
        "?url=https://example.invalid/spec.json&configUrl=https://example.invalid/config.json"
        "&validatorUrl=https://example.invalid/validator",
    )
    assert "Regional Security API" in page.locator(".information-container .title").inner_text()
    assert urlsplit(page.url).query == ""
    assert not visit.outside(), f"requests left {HOST}: {visit.outside()}"
    assert not visit.errors, visit.errors
