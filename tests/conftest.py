"""Fixtures: a migrated, seeded database; the app; a client whose every response is
checked against openapi.yaml; a SQL statement counter.

Runs on a throwaway SQLite file by default, or on the database in TEST_DATABASE_URL
(PostgreSQL in CI). Schema comes from the Alembic migrations, as in production.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

import models
from api import create_app, db
from api.cli import upgrade
from api.config import PROJECT_ROOT
from api.seeding import load_seeds

SEEDS = PROJECT_ROOT / "seeds"
TEXTS = PROJECT_ROOT.parent / "shared" / "seeds"


def reset_database(url: str) -> None:
    """Drop every table (and Alembic's version table) so a run starts from nothing."""
    engine = create_engine(url)
    with engine.begin() as conn:
        models.Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        reset_database(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    """The app over a database migrated to head and loaded with seeds/."""
    upgrade(database_url)
    # Rate limits are tested on their own apps (tests/test_ratelimit.py), not on this one.
    application = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test",
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
        }
    )
    with Session(db.engine(application)) as session, session.begin():
        load_seeds(session, SEEDS)
    yield application
    db.engine(application).dispose()


@pytest.fixture()
def make_app(database_url: str) -> Iterator[Any]:
    """Build extra apps over the test database (own settings); their pools close afterwards."""
    made: list[Flask] = []

    def make(overrides: dict[str, Any]) -> Flask:
        application = create_app({"DATABASE_URL": database_url, **overrides})
        made.append(application)
        return application

    yield make
    for application in made:
        db.engine(application).dispose()


@pytest.fixture(scope="session")
def openapi() -> OpenAPI:
    # Decode problem+json, GeoJSON and NDJSON bodies so their schemas are checked too.
    config = Config(
        extra_media_type_deserializers={
            "application/problem+json": json.loads,
            "application/geo+json": json.loads,
        }
    )
    return OpenAPI.from_file_path(str(PROJECT_ROOT / "openapi.yaml"), config=config)


class ContractClient:
    """A test client that validates every response against openapi.yaml."""

    def __init__(self, client: FlaskClient, spec: OpenAPI) -> None:
        self.client = client
        self.spec = spec

    def get(self, url: str, *, validate: bool = True, **kwargs: Any) -> TestResponse:
        return self.request("GET", url, validate=validate, **kwargs)

    def request(
        self, method: str, url: str, *, validate: bool = True, **kwargs: Any
    ) -> TestResponse:
        response = self.client.open(url, method=method, **kwargs)
        if validate:
            self.spec.validate_response(
                WerkzeugOpenAPIRequest(response.request), WerkzeugOpenAPIResponse(response)
            )
        return response


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def api(client: FlaskClient, openapi: OpenAPI) -> ContractClient:
    """The client tests use: every response it returns matched its documented schema."""
    return ContractClient(client, openapi)


@pytest.fixture()
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


class StatementCounter:
    """Counts the statements a request sends; the data version's read is left out (it is
    made once its cached second is up, whenever that falls)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *args: Any) -> None:
        if "data_version" not in statement:
            self.count += 1


@pytest.fixture()
def count_queries(app: Flask) -> Iterator[StatementCounter]:
    """Counts SQL statements the app sends while the test runs."""
    counter = StatementCounter()
    engine = db.engine(app)
    event.listen(engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine, "before_cursor_execute", counter)


def texts_dir() -> Path:
    return TEXTS
