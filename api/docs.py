"""The public contract: openapi.yaml served as JSON/YAML and rendered by flasgger's Swagger UI.

The Swagger UI page comes from our own templates (docs_templates/flasgger/), not flasgger's:
theirs pull web fonts from Google and link to GitHub. Ours load only the Swagger UI bundle and
stylesheet flasgger serves under /apidocs/static, and point Swagger UI at /api/v1/openapi.json,
the document whose `servers` names the host the page came from, so "Try it out" calls this app.
"""

from __future__ import annotations

import copy
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from flasgger import Swagger
from flask import Flask, Response, json, request

from .config import PROJECT_ROOT
from .params import NoArgs, parse

OPENAPI_PATH = PROJECT_ROOT / "openapi.yaml"
# flasgger's blueprint takes its templates from this folder instead of its own, so none of its
# stock pages (web fonts, GitHub footer) can come back by accident: every page it renders
# (flasgger/index.html, flasgger/oauth2-redirect.html) must exist here.
TEMPLATE_FOLDER = Path(__file__).resolve().parent / "docs_templates"
# SwaggerUIBundle options, rendered into the page as JSON; the template adds `url`, our spec.
SWAGGER_UI_OPTIONS: dict[str, Any] = {
    "validatorUrl": None,  # no badge fetched from validator.swagger.io
    "deepLinking": True,
    "displayOperationId": True,
    "displayRequestDuration": True,
    "docExpansion": "list",
    "layout": "BaseLayout",  # no top bar: no "Explore" box for loading other documents
}


@cache
def load_spec() -> dict[str, Any]:
    """The contract as written in openapi.yaml (parsed once per process)."""
    spec: dict[str, Any] = yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))
    return spec


def served_spec() -> dict[str, Any]:
    """The file, with `servers` pointing at the host the request came to."""
    spec = copy.copy(load_spec())
    spec["servers"] = [{"url": request.host_url.rstrip("/"), "description": "This server"}]
    return spec


@lru_cache(maxsize=16)
def _yaml_for(host_url: str) -> str:
    """The YAML rendering per host, made once: dumping the whole contract takes ~1 s."""
    spec = copy.copy(load_spec())
    spec["servers"] = [{"url": host_url.rstrip("/"), "description": "This server"}]
    return yaml.safe_dump(spec, sort_keys=False, allow_unicode=True)


def init_app(app: Flask) -> None:
    app.config.setdefault(
        "SWAGGER",
        {
            "openapi": "3.0.3",
            "title": "Regional Security API",
            "uiversion": 3,
            "specs_route": "/apidocs/",
            "static_url_path": "/apidocs/static",
            "headers": [],
            "template_folder": str(TEMPLATE_FOLDER),
            "ui_params": SWAGGER_UI_OPTIONS,
            # flasgger needs one spec of its own; the page does not use it (see the template).
            "specs": [
                {
                    "endpoint": "openapi",
                    "route": "/apidocs/openapi.json",
                    # Only the file: no paths generated from view docstrings.
                    "rule_filter": lambda rule: False,
                    "model_filter": lambda tag: False,
                }
            ],
        },
    )
    Swagger(app, template_file=str(OPENAPI_PATH))

    @app.get("/api/v1/openapi.json")
    def openapi_json() -> Response:
        """Serve the OpenAPI document as JSON."""
        parse(NoArgs, request.args)
        return Response(json.dumps(served_spec()), mimetype="application/json")

    @app.get("/api/v1/openapi.yaml")
    def openapi_yaml() -> Response:
        """Serve the OpenAPI document as YAML."""
        parse(NoArgs, request.args)
        return Response(_yaml_for(request.host_url), mimetype="application/yaml")
