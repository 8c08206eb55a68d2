"""Exports: CSV (RFC 4180), NDJSON and GeoJSON, by `format=` or Accept; else 406."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import ContractClient


def test_csv_round_trips_the_json_list(api: ContractClient) -> None:
    fields = "name,iso3,numeric,wikidata"
    rows = list(
        csv.DictReader(
            io.StringIO(
                api.get(f"/api/v1/countries?format=csv&fields={fields}&limit=500").get_data(
                    as_text=True
                )
            )
        )
    )
    listed = api.get(f"/api/v1/countries?fields={fields}&limit=500").get_json()["data"]
    assert len(rows) == len(listed)
    for row, item in zip(rows, listed, strict=True):
        for key in ("id", "name", "iso3", "numeric"):
            assert row[key] == item[key]
        assert row["wikidata"] == (item["wikidata"] or "")


def test_csv_quotes_text_so_codes_stay_text(api: ContractClient) -> None:
    text = api.get("/api/v1/countries?iso3=NAM&format=csv&fields=iso3").get_data(as_text=True)
    assert text.splitlines()[1].startswith('"NA","country"')
    assert "\r\n" in text


def test_csv_by_accept_header(api: ContractClient) -> None:
    response = api.get("/api/v1/meetings", headers={"Accept": "text/csv"})
    assert response.mimetype == "text/csv"
    header = next(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert header[:3] == ["id", "type", "url"] and "links" not in header


def test_csv_flattens_references_to_ids(api: ContractClient) -> None:
    text = api.get("/api/v1/commitments?giver=JP&recipient=MY&format=csv").get_data(as_text=True)
    row = next(csv.DictReader(io.StringIO(text)))
    assert (row["givers"], row["recipients"], row["made_by"]) == ("JP", "MY", "fumio-kishida")


def test_ndjson_streams_one_object_per_line(api: ContractClient) -> None:
    response = api.get("/api/v1/countries?format=ndjson&fields=name")
    assert response.mimetype == "application/x-ndjson"
    lines = response.get_data(as_text=True).splitlines()
    assert len(lines) == api.get("/api/v1/countries?limit=1").get_json()["meta"]["total"]
    assert json.loads(lines[0])["id"] == "AD"


def test_exports_apply_filters_and_an_explicit_limit(api: ContractClient) -> None:
    lines = api.get("/api/v1/countries?format=ndjson&limit=3").get_data(as_text=True).splitlines()
    assert len(lines) == 3
    member = api.get("/api/v1/countries?format=ndjson&member_of=asean").get_data(as_text=True)
    assert len(member.splitlines()) == 10


@pytest.mark.parametrize("path", ["disputes", "incidents", "meetings"])
def test_geojson_feature_collection(api: ContractClient, path: str) -> None:
    response = api.get(f"/api/v1/{path}", headers={"Accept": "application/geo+json"})
    assert response.mimetype == "application/geo+json"
    collection = json.loads(response.get_data(as_text=True))
    assert collection["type"] == "FeatureCollection"
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and feature["geometry"] is None
        assert feature["properties"]["id"] == feature["id"]


def test_geojson_only_where_items_have_a_place(api: ContractClient) -> None:
    assert api.get("/api/v1/countries?format=geojson").status_code == 400
    assert api.get("/api/v1/people", headers={"Accept": "application/geo+json"}).status_code == 406


def test_an_unsupported_accept_is_406_problem(api: ContractClient) -> None:
    response = api.get("/api/v1/countries/JP", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.mimetype == "application/problem+json"


def test_browsers_accept_header_gets_json(api: ContractClient) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert api.get("/api/v1/countries", headers={"Accept": accept}).mimetype == "application/json"
