"""The floor: the cheapest Flask endpoints over the same database, one per scenario.

Raw driver (sqlite3 or psycopg), one query per request, `json.dumps`; no ORM, no
marshmallow, no middleware. Each endpoint returns the same information as the project's for
the same request (compact references, partial dates at their precision, evidence on the
detail), so the ratio project/floor is the price of the project's layers. Datasette is
given the same SQL (bench/run.py), so its ratio is the price of Datasette's layers.

Served by gunicorn with the project's gunicorn.conf.py: `bench.floor:create_app()`;
DATABASE_URL as for the project.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, request

PAGE = 50
COLLECTIONS = {"country": "countries", "organization": "organizations"}
CONSTANT = json.dumps({"data": [], "meta": {"limit": 50, "total": 0}}).encode()


def sql(dialect: str) -> dict[str, str]:
    """The queries, in SQLite's or PostgreSQL's JSON functions (named `:param`s)."""
    pg = dialect == "postgresql"

    def agg(expr: str) -> str:
        return f"coalesce(json_agg({expr}), '[]'::json)" if pg else f"json_group_array({expr})"

    def obj(*pairs: str) -> str:
        return ("json_build_object(" if pg else "json_object(") + ", ".join(pairs) + ")"

    def sub(query: str) -> str:  # a JSON value from a scalar subquery
        return f"({query})" if pg else f"json(({query}))"

    def date(column: str) -> str:
        return f"{column}::text" if pg else column

    def boolean(column: str) -> str:
        return column if pg else f"json(CASE WHEN {column} THEN 'true' ELSE 'false' END)"

    def evidence(subject_type: str, subject: str) -> str:
        item = obj(
            "'source', " + obj("'id', s.slug", "'title', s.title", "'web_url', s.url"),
            "'quote', e.quote",
            "'paragraph', e.paragraph",
            "'supports', l.supports",
        )
        return sub(
            f"SELECT {agg(item)} FROM evidence_links l "
            "JOIN evidence e ON e.id = l.evidence_id JOIN sources s ON s.id = e.source_id "
            f"WHERE l.subject_type = '{subject_type}' AND l.subject_id = {subject}"
        )

    party = [
        "'side', cp.side",
        "'scope', cp.scope",
        "'id', coalesce(co.iso2, o.slug)",
        "'type', CASE WHEN co.id IS NULL THEN 'organization' ELSE 'country' END",
        "'name', coalesce(co.name, o.name)",
    ]
    parties_from = (
        "FROM commitment_parties cp LEFT JOIN countries co ON co.id = cp.country_id "
        "LEFT JOIN organizations o ON o.id = cp.organization_id WHERE cp.commitment_id = c.id"
    )
    amount = [
        "'amount', a.amount",
        "'currency', a.currency",
        "'basis', a.basis",
        f"'approximate', {boolean('a.approximate')}",
    ]
    columns = (
        f"c.id AS pk, c.slug, c.title, c.summary, c.kind, c.domain, c.status, "
        f"{date('c.made_on')} AS made_on, c.made_on_precision, c.made_on_as_stated, "
        "c.horizon_months, c.horizon_as_stated, mt.slug AS meeting_id, mt.title AS meeting_name, "
        "pe.slug AS made_by_id, pe.name AS made_by_name"
    )
    joins = (
        "FROM commitments c LEFT JOIN meetings mt ON mt.id = c.meeting_id "
        "LEFT JOIN people pe ON pe.id = c.made_by_id"
    )

    def children(value: str, table: str) -> str:
        alias = table.split()[1]
        return sub(f"SELECT {agg(value)} FROM {table} WHERE {alias}.commitment_id = c.id")

    select = (
        f"SELECT {columns}, {sub(f'SELECT {agg(obj(*party))} {parties_from}')} AS parties, "
        f"{children(obj(*amount), 'commitment_amounts a')} AS amounts"
    )
    summary = f"{select} {joins}"
    # Nested EXISTS, the shape the project's query has: with a JOIN inside one EXISTS,
    # PostgreSQL at 1M rows planned a semi-join over every JP giver and a sort (~4 s).
    giver = (
        "EXISTS (SELECT 1 FROM commitment_parties gp WHERE gp.commitment_id = c.id "
        "AND gp.side = 'giver' AND EXISTS (SELECT 1 FROM countries gc "
        "WHERE gc.id = gp.country_id AND gc.iso2 = :giver))"
    )
    detail_party = obj(*party, f"'evidence', {evidence('commitment_party', 'cp.id')}")
    detail_amount = obj(*amount, f"'evidence', {evidence('commitment_amount', 'a.id')}")
    item = obj(
        "'description', i.description",
        "'quantity', i.quantity",
        "'unit', i.unit",
        "'quantity_status', i.quantity_status",
        f"'evidence', {evidence('commitment_item', 'i.id')}",
    )
    event = obj(
        "'status', e2.status",
        f"'date', {date('e2.date')}",
        "'date_precision', e2.date_precision",
        "'date_as_stated', e2.date_as_stated",
        "'note', e2.note",
        f"'evidence', {evidence('commitment_status_event', 'e2.id')}",
    )
    fts = (
        "SELECT d.subject_id, ts_rank(d.vector, q) AS rank "
        "FROM search_documents d, plainto_tsquery('english', :q) q "
        "WHERE d.vector @@ q AND d.subject_type = 'commitment'"
        if pg
        else "SELECT d.subject_id, -bm25(search_fts) AS rank FROM search_fts "
        "JOIN search_documents d ON d.id = search_fts.rowid "
        "WHERE search_fts MATCH :q AND d.subject_type = 'commitment'"
    )
    return {
        "list": f"{summary} WHERE c.slug > :after ORDER BY c.slug LIMIT {PAGE + 1}",
        "filtered": (
            f"{summary} WHERE c.slug > :after AND c.domain = :domain "
            f"AND c.made_on_end >= :since AND c.made_on <= :until AND {giver} "
            f"ORDER BY c.slug LIMIT {PAGE + 1}"
        ),
        "search": (
            f"{select}, m.rank FROM ({fts}) m JOIN commitments c ON c.id = m.subject_id "
            "LEFT JOIN meetings mt ON mt.id = c.meeting_id "
            "LEFT JOIN people pe ON pe.id = c.made_by_id "
            f"ORDER BY m.rank DESC, c.slug LIMIT {PAGE + 1}"
        ),
        "detail": (
            f"SELECT {columns}, "
            f"{sub(f'SELECT {agg(detail_party)} {parties_from}')} AS parties, "
            f"{children(detail_amount, 'commitment_amounts a')} AS amounts, "
            f"{children(item, 'commitment_items i')} AS items, "
            f"{children(event, 'commitment_status_events e2')} AS status_history, "
            f"{evidence('commitment', 'c.id')} AS evidence {joins} WHERE c.slug = :slug"
        ),
        "export": f"{summary} WHERE c.slug > :after ORDER BY c.slug",
    }


def partial(value: str | None, precision: str) -> str | None:
    if value is None or precision == "unknown":
        return None
    return value[: {"day": 10, "month": 7, "year": 4}[precision]]


def create_app() -> Flask:
    url = os.environ["DATABASE_URL"]
    dialect = "postgresql" if url.startswith("postgresql") else "sqlite"
    queries = sql(dialect)
    local = threading.local()

    def connection() -> Any:
        conn = getattr(local, "conn", None)
        if conn is None:
            if dialect == "sqlite":
                conn = sqlite3.connect(url.split("///", 1)[1], check_same_thread=False)
            else:
                import psycopg

                # The project's default statement timeout (api/config.py), for the same
                # behaviour under overload: a query past 5 s is cancelled.
                options = "-c statement_timeout=5000"
                conn = psycopg.connect(
                    url.replace("+psycopg", ""), autocommit=True, options=options
                )
            local.conn = conn
        return conn

    def rows(name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        text = queries[name]
        if dialect == "postgresql":
            text = text.replace(":after", "%(after)s").replace(":q", "%(q)s")
            for key in ("domain", "since", "until", "giver", "slug"):
                text = text.replace(f":{key}", f"%({key})s")
        cursor = connection().execute(text, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    app = Flask(__name__)

    def ref(host: str, kind: str, collection: str, pid: str | None, name: str | None) -> Any:
        if pid is None:
            return None
        return {"id": pid, "type": kind, "name": name, "url": f"{host}{collection}/{pid}"}

    def item(row: dict[str, Any], host: str, detail: bool = False) -> dict[str, Any]:
        parties = row["parties"]
        if isinstance(parties, str):
            parties = json.loads(parties)
        amounts = row["amounts"]
        if isinstance(amounts, str):
            amounts = json.loads(amounts)
        sides: dict[str, list[dict[str, Any]]] = {"giver": [], "recipient": []}
        for p in parties:
            party = ref(host, p["type"], COLLECTIONS[p["type"]], p["id"], p["name"])
            entry = {"party": party, "scope": p["scope"]}
            if detail:
                entry["evidence"] = p["evidence"]
            sides[p["side"]].append(entry)
        out = {
            "id": row["slug"],
            "type": "commitment",
            "url": f"{host}commitments/{row['slug']}",
            "title": row["title"],
            "summary": row["summary"],
            "kind": row["kind"],
            "domain": row["domain"],
            "status": row["status"],
            "made_on": partial(row["made_on"], row["made_on_precision"]),
            "made_on_precision": row["made_on_precision"],
            "made_on_as_stated": row["made_on_as_stated"],
            "horizon_months": row["horizon_months"],
            "horizon_as_stated": row["horizon_as_stated"],
            "meeting": ref(host, "meeting", "meetings", row["meeting_id"], row["meeting_name"]),
            "made_by": ref(host, "person", "people", row["made_by_id"], row["made_by_name"]),
            "givers": sides["giver"],
            "recipients": sides["recipient"],
            "amounts": amounts,
        }
        return out

    def page(name: str, params: dict[str, Any]) -> Response:
        found = rows(name, {"after": request.args.get("after", ""), **params})
        host = request.host_url + "api/v1/"
        data = [item(r, host) for r in found[:PAGE]]
        for r, d in zip(found, data, strict=False):
            if "rank" in r:
                d["rank"] = r["rank"]
        nxt = data[-1]["id"] if len(found) > PAGE else None
        body = {"data": data, "links": {"next": nxt}, "meta": {"limit": PAGE}}
        return Response(json.dumps(body), mimetype="application/json")

    @app.get("/floor/constant")
    def constant() -> Response:
        return Response(CONSTANT, mimetype="application/json")

    @app.get("/floor/commitments")
    def commitments() -> Response:
        if "giver" in request.args:
            args = request.args
            params = {k: args[k] for k in ("giver", "domain", "since", "until")}
            return page("filtered", params)
        return page("list", {})

    @app.get("/floor/search")
    def search() -> Response:
        q = request.args["q"]
        if dialect == "sqlite":
            q = " ".join(f'"{w}"' for w in q.split())
        return page("search", {"q": q})

    @app.get("/floor/commitments/<slug>")
    def detail(slug: str) -> Response:
        found = rows("detail", {"slug": slug})
        if not found:
            return Response(status=404)
        row = found[0]
        out = item(row, request.host_url + "api/v1/", detail=True)
        for key in ("items", "status_history", "evidence"):
            value = row[key]
            out[key] = json.loads(value) if isinstance(value, str) else value
        return Response(json.dumps(out), mimetype="application/json")

    @app.get("/floor/export.csv")
    def export() -> Response:
        after = request.args.get("after", "")
        host = request.host_url + "api/v1/"

        def lines() -> Iterator[str]:
            buffer = io.StringIO()
            writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
            header = False
            conn = connection()
            if dialect == "sqlite":
                cursor = conn.execute(queries["export"], {"after": after})
            else:
                conn.autocommit = False  # a server-side cursor streams inside a transaction
                cursor = conn.cursor(name="export")
                cursor.execute(queries["export"].replace(":after", "%(after)s"), {"after": after})
            try:
                names = [d[0] for d in cursor.description]
                for raw in cursor:
                    row = item(dict(zip(names, raw, strict=True)), host)
                    if not header:
                        writer.writerow(row)
                        header = True
                    writer.writerow([_cell(v) for v in row.values()])
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            finally:  # also when the client goes away mid-export
                cursor.close()
                if dialect == "postgresql":
                    conn.rollback()
                    conn.autocommit = True

        return Response(lines(), mimetype="text/csv")

    return app


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dict):
        return value.get("id", "")
    if isinstance(value, list):
        if value and "party" in value[0]:
            return ";".join(v["party"]["id"] for v in value)
        return json.dumps(value) if value else ""
    return value
