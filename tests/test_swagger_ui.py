"""Swagger UI at /apidocs/ loads nothing from outside the app and reads our served spec.

flasgger's stock page pulls Google web fonts, links to GitHub, and Swagger UI defaults to the
online validator badge; api/docs_templates/ replaces that page. These tests read the HTML and
every same-app asset it references (tests/test_browser.py checks the same in a real browser).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask.testing import FlaskClient

from api.docs import load_spec
from tests.conftest import ContractClient

PAGE = "/apidocs/"
SPEC_URL = "/api/v1/openapi.json"
URL_ATTRIBUTES = {"src", "href", "srcset", "action", "formaction", "poster", "data", "background"}
ABSOLUTE_URL = re.compile(r"""(?:https?:)?//[^\s"'`<>()\\]+""", re.IGNORECASE)
CSS_REFERENCE = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""", re.IGNORECASE)
# In minified code: scheme, host and path only (queries and code glued to a URL are cut off).
SCHEME_URL = re.compile(r"https?://[A-Za-z0-9.-]+[A-Za-z0-9._~%/+-]*", re.IGNORECASE)
SOURCE_MAP = re.compile(r"sourceMappingURL=(\S+?)(?:\s*\*/)?\s*$", re.MULTILINE)

# Every http(s) URL in the vendored Swagger UI 3.28 bundle flasgger 0.9.7.1 ships, and why
# none loads anything here. A new one (another flasgger, a CDN) fails the test until reviewed.
INERT_BUNDLE_URLS = {
    # XML namespace names, never fetched.
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/1998/Math/MathML",
    "http://www.w3.org/XML/1998/namespace",
    # Swagger UI defaults the page overrides: `validatorUrl: null` and `url` (asserted below).
    "https://validator.swagger.io/validator",
    "https://petstore.swagger.io/v2/swagger.json",
    # Text in licence comments and error messages of bundled libraries.
    "https://github.com/Starcounter-Jack/JSON-Patch",
    "https://github.com/jonschlinkert/repeat-string",
    "http://fb.me/use-check-prop-types",
    "http://facebook.github.io/react/docs/error-decoder.html",
    "https://mths.be/punycode",
    "http://jedwatson.github.io/classnames",
    "http://feross.org",
    # Prefixes of remarkable's linkify, used only on text that is already a link.
    "https://www.facebook.com/hashtag/",
    "https://twitter.com/hashtag/",
    "https://twitter.com/",
    "https://soundcloud.com/",
    "https://instagram.com/explore/tags/",
    "https://instagram.com/",
}


class PageParser(HTMLParser):
    """Collects URL-valued attributes, inline scripts and styles of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self._in: tuple[str, dict[str, str | None]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in URL_ATTRIBUTES:
                for part in value.split(",") if name == "srcset" else [value]:
                    self.urls.append((tag, name, part.strip().split(" ")[0]))
            elif name == "style":
                self.styles.append(value)
        if tag in ("script", "style"):
            self._in = (tag, dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is None:
            return
        tag, attrs = self._in
        if tag == "script":
            self.scripts.append((attrs, data))
        else:
            self.styles.append(data)


def parse_page(client: FlaskClient, url: str) -> PageParser:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "text/html"
    parser = PageParser()
    parser.feed(response.get_data(as_text=True))
    parser.close()
    return parser


def is_same_app(url: str) -> bool:
    """A reference the browser resolves against this app (relative, or data: inline)."""
    parts = urlsplit(url)
    if parts.scheme == "data":
        return True
    return parts.scheme == "" and parts.netloc == ""


def swagger_ui_options(page: PageParser) -> dict[str, Any]:
    blocks = [body for attrs, body in page.scripts if attrs.get("id") == "swagger-ui-options"]
    assert len(blocks) == 1, "the page renders its Swagger UI options once, as JSON"
    options: dict[str, Any] = json.loads(blocks[0])
    return options


def test_page_is_ours_not_flasggers(client: FlaskClient) -> None:
    html = client.get(PAGE).get_data(as_text=True)
    assert "fonts.googleapis" not in html
    assert "github.com" not in html
    assert "Powered by" not in html


def test_page_references_nothing_outside_the_app(client: FlaskClient) -> None:
    page = parse_page(client, PAGE)
    assert page.urls, "the page loads its stylesheet and bundle from the app"
    for tag, attribute, url in page.urls:
        assert is_same_app(url), f"<{tag} {attribute}={url!r}> leaves the app"
    for attrs, body in page.scripts:
        assert not ABSOLUTE_URL.findall(body), f"inline script {attrs} names an absolute URL"
    for style in page.styles:
        for match in CSS_REFERENCE.finditer(style):
            assert is_same_app(match.group(1) or match.group(2)), style


def test_swagger_ui_options(client: FlaskClient) -> None:
    options = swagger_ui_options(parse_page(client, PAGE))
    assert "validatorUrl" in options and options["validatorUrl"] is None
    assert options["url"] == SPEC_URL
    assert "urls" not in options and "configUrl" not in options
    assert options["layout"] == "BaseLayout"  # no top bar with an "Explore" box
    for name, value in options.items():
        if isinstance(value, str):
            assert not ABSOLUTE_URL.search(value), f"{name}={value!r}"


def test_page_drops_query_string_options(client: FlaskClient) -> None:
    """Swagger UI 3.x reads ?url=/?configUrl= from the address bar; the page removes them."""
    page = parse_page(client, PAGE + "?url=https://example.invalid/spec.json")
    bootstrap = "".join(body for attrs, body in page.scripts if "id" not in attrs)
    assert "history.replaceState" in bootstrap
    assert bootstrap.index("history.replaceState") < bootstrap.index("SwaggerUIBundle(")
    assert swagger_ui_options(page)["url"] == SPEC_URL


def test_page_spec_is_the_served_contract(api: ContractClient) -> None:
    """The document the page loads is openapi.yaml with `servers` naming this host."""
    served = api.get(SPEC_URL).get_json()
    assert served["servers"] == [{"url": "http://localhost", "description": "This server"}]
    assert served["paths"] == load_spec()["paths"]


def test_same_app_assets_reference_nothing_outside_the_app(client: FlaskClient) -> None:
    page = parse_page(client, PAGE)
    assets = {urljoin(PAGE, url) for _, _, url in page.urls if not url.startswith("data:")}
    assert {"/apidocs/static/swagger-ui.css", "/apidocs/static/swagger-ui-bundle.js"} <= assets
    for asset in sorted(assets):
        with client.get(asset) as response:  # static files: close them, or ResourceWarning
            assert response.status_code == 200, asset
            mimetype = response.mimetype or ""
            text = response.get_data(as_text=True) if not mimetype.startswith("image/") else ""
        for source_map in SOURCE_MAP.findall(text):
            assert is_same_app(source_map), f"{asset}: source map {source_map}"
        if mimetype == "text/css":
            for match in CSS_REFERENCE.finditer(text):
                reference = match.group(1) or match.group(2)
                assert is_same_app(reference), f"{asset}: {reference}"
        else:
            found = {url.rstrip(".") for url in SCHEME_URL.findall(text)}
            unexpected = sorted(found - INERT_BUNDLE_URLS)
            assert not unexpected, f"{asset} names URLs outside the app: {unexpected}"


def test_flasgger_routes_still_work(client: FlaskClient) -> None:
    assert client.get("/apidocs/index.html").headers["Location"].endswith(PAGE)
    assert client.get("/apidocs/openapi.json").status_code == 200
    redirect = parse_page(client, "/oauth2-redirect.html")
    assert all(is_same_app(url) for _, _, url in redirect.urls)
    assert not any(ABSOLUTE_URL.findall(body) for _, body in redirect.scripts)
