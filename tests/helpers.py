"""Small helpers the resource tests share."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from api import db
from tests.conftest import ContractClient

# Every top-level collection of the API, as the index lists them.
COLLECTIONS = [
    "countries",
    "organizations",
    "people",
    "meetings",
    "commitments",
    "disputes",
    "incidents",
    "sources",
]


def ids(body: dict[str, Any]) -> list[str]:
    return [item["id"] for item in body["data"]]


def all_items(api: ContractClient, url: str) -> list[dict[str, Any]]:
    """Follow `links.next` to the end and return every item of a list."""
    items: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url:
        body = api.get(next_url).get_json()
        items.extend(body["data"])
        next_url = body["links"]["next"]
    return items


def quotes(resource: dict[str, Any]) -> list[str]:
    return [e["quote"] for e in resource["evidence"] if e["quote"]]


def page_plans(app: Flask, api: ContractClient, table: str, urls: list[str]) -> list[list[str]]:
    """The database's plan of each page statement (on `table`: ORDER BY and LIMIT, no
    count) that requesting `urls` runs, one line per step. PostgreSQL is asked with sorting
    and full scans priced out, so a small table's plan is the one a large table gets."""
    engine = db.engine(app)
    pages: list[tuple[str, Any]] = []

    def record(conn: object, cursor: object, statement: str, parameters: Any, *_: object) -> None:
        if statement.lstrip().startswith("SELECT") and f"FROM {table}" in statement:
            if "ORDER BY" in statement and "LIMIT" in statement and "count(" not in statement:
                pages.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        for url in urls:
            assert api.get(url).status_code == 200, url
    finally:
        event.remove(engine, "before_cursor_execute", record)
    plans: list[list[str]] = []
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in pages:
            if engine.dialect.name == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
                plans.append([str(row[3]) for row in cursor.fetchall()])
            else:
                cursor.execute("SET enable_sort = off")
                cursor.execute("SET enable_seqscan = off")
                cursor.execute("EXPLAIN " + statement, parameters)
                plans.append([str(row[0]) for row in cursor.fetchall()])
    finally:
        raw.rollback()
        raw.close()
    return plans


@contextlib.contextmanager
def access_log(caplog: pytest.LogCaptureFixture) -> Iterator[list[logging.LogRecord]]:
    """The access-log records of the requests made inside the block (the app's loggers do
    not propagate; caplog sees them while this lets them)."""
    logger = logging.getLogger("regsec")
    logger.propagate = True
    records: list[logging.LogRecord] = []
    try:
        with caplog.at_level(logging.INFO, logger="regsec.access"):
            yield records
            records.extend(r for r in caplog.records if r.name == "regsec.access")
    finally:
        logger.propagate = False
