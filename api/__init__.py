"""Regional Security API: the application factory reads as a table of contents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from . import (
    caching,
    config,
    cors,
    db,
    docs,
    errors,
    observability,
    ratelimit,
    revalidate,
    security,
)
from .cli import register_commands
from .v1 import bp as v1


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from the environment, with `overrides` (tests pass their own)."""
    app = Flask(__name__)
    app.config.from_mapping(config.from_env())
    if overrides:
        app.config.from_mapping(overrides)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # field order is documented

    db.init_app(app)
    errors.init_app(app)
    observability.init_app(app)
    security.init_app(app)
    ratelimit.init_app(app)
    caching.init_app(app)
    cors.init_app(app)
    app.register_blueprint(v1)
    docs.init_app(app)
    register_commands(app)
    revalidate.init_app(app)  # answers still-valid ETags before Flask
    security.trust_proxies(app)  # outermost: the client's address and scheme, behind proxies
    return app
