"""openapi.yaml and the code cannot drift: every route is documented, every documented
operation is routed, the document is valid, and every response validates against it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from openapi_spec_validator import validate

from api.docs import load_spec
from tests.conftest import ContractClient

METHODS = {"get", "head", "post", "put", "patch", "delete"}


def routed_operations(app: Flask) -> set[tuple[str, str]]:
    out = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods or ():
            if method.lower() in METHODS - {"head"}:
                out.add((method.lower(), path))
    return out


def documented_operations() -> set[tuple[str, str]]:
    spec = load_spec()
    return {
        (method, path)
        for path, item in spec["paths"].items()
        for method in item
        if method in METHODS
    }


def test_openapi_document_is_valid() -> None:
    validate(load_spec())  # raises on an invalid OpenAPI 3.0 document


def test_every_route_is_documented(app: Flask) -> None:
    assert routed_operations(app) - documented_operations() == set()


def test_every_documented_operation_is_routed(app: Flask) -> None:
    assert documented_operations() - routed_operations(app) == set()


def example_id(collection: str) -> str:
    return {
        "countries": "JP",
        "organizations": "asean",
        "people": "yoko-kamikawa",
        "meetings": "asean-japan-commemorative-summit-2023",
        "disputes": "south-china-sea",
    }[collection]


def concrete_paths() -> list[str]:
    paths = []
    for path in load_spec()["paths"]:
        match = re.match(r"^/api/v1/(\w+)/\{id\}", path)
        if match:
            collection = match.group(1)
            if collection in {"commitments", "incidents", "sources"}:
                continue  # detail bodies are checked in the per-resource files
            path = path.replace("{id}", example_id(collection))
        if path == "/api/v1/search":
            path += "?q=Japan"  # q is required
        paths.append(path)
    return paths


@pytest.mark.parametrize("path", concrete_paths())
def test_every_documented_get_answers_as_documented(api: ContractClient, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 200


def test_served_spec_is_the_file_with_this_servers_url(api: ContractClient) -> None:
    served: dict[str, Any] = api.get("/api/v1/openapi.json").get_json()
    assert served["servers"] == [{"url": "http://localhost", "description": "This server"}]
    served.pop("servers")
    expected = dict(load_spec())
    expected.pop("servers", None)
    assert served == expected


def test_swagger_ui_is_served(api: ContractClient) -> None:
    response = api.get("/apidocs/", validate=False)
    assert response.status_code == 200
    assert "swagger-ui" in response.get_data(as_text=True)
