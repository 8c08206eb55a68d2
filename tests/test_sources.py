"""GET /api/v1/sources: the documents and public records behind every fact."""

from __future__ import annotations

from tests.conftest import ContractClient
from tests.helpers import all_items


def test_both_articles_and_the_reference_records_are_listed(api: ContractClient) -> None:
    sources = all_items(api, "/api/v1/sources")
    kinds = [s["kind"] for s in sources]
    assert kinds.count("news_article") == 2
    assert kinds.count("reference") >= 1
    for source in sources:
        if source["kind"] == "reference":
            assert source["web_url"].startswith("https://")
            assert source["published_on_precision"] == "day"


def test_an_article_lists_the_quotes_taken_from_it(api: ContractClient) -> None:
    article = api.get(
        "/api/v1/sources/japan-asean-foreign-ministers-vow-to-boost-security-ties"
    ).get_json()
    assert article["document"] == "003_ef50cc59f5801b0a.txt"
    assert any("except for military-ruled Myanmar" in q["quote"] for q in article["quotes"])
    assert all(q["locator"]["paragraph"] >= 7 for q in article["quotes"])  # never furniture


def test_every_evidence_source_resolves(api: ContractClient) -> None:
    meeting = api.get("/api/v1/meetings/asean-japan-commemorative-summit-2023").get_json()
    for item in meeting["evidence"]:
        path = item["source"]["url"].split("localhost", 1)[1]
        assert api.get(path).status_code == 200
