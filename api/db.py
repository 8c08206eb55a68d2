"""The one owner of the engine and the request-scoped session.

Every wait on the database is bounded, so a stopped or slow database costs a request a few
seconds at most and answers 503 (api/errors.py) instead of hanging:

- a new connection gives up after `DB_CONNECT_TIMEOUT` seconds;
- PostgreSQL cancels a statement after `DB_STATEMENT_TIMEOUT_MS` (503 "took too long");
- a request waits at most `DB_POOL_TIMEOUT` seconds for a pooled connection;
- every checkout checks the connection's socket (`_closed_by_server`, no round trip): a
  server that restarted, stopped or ended the session has closed it, and the pool opens a
  new one instead; a disconnect seen by a statement discards the whole pool. So when the
  database comes back the next request simply reconnects: no restart needed. Connections
  are also replaced after `DB_POOL_RECYCLE` seconds;
- TCP keepalives and `tcp_user_timeout` notice a server that vanished from the network.

Not covered: a server frozen with its sockets open (e.g. SIGSTOP; its kernel still ACKs)
stalls a request on an already-open connection; only a proxy timeout bounds that.
"""

from __future__ import annotations

import contextlib
import logging
import select
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import psycopg
from flask import Flask, g, has_request_context, request
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("regsec.db")

EXTENSION = "regsec.db"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})  # the API has no other
STATE_EXTENSION = "regsec.db.state"
READ_SESSIONS = "regsec.db.read_sessions"
READS = "regsec.db.reads"

# The same defaults as api/config.py, so make_engine(url) alone is bounded too.
DEFAULTS: dict[str, int] = {
    "DB_CONNECT_TIMEOUT": 3,
    "DB_STATEMENT_TIMEOUT_MS": 5000,
    "DB_POOL_TIMEOUT": 2,
    "DB_POOL_RECYCLE": 1800,
    "DB_POOL_SIZE": 5,
    "DB_MAX_OVERFLOW": 10,
    "SQLITE_BUSY_TIMEOUT_MS": 5000,
}

# libpq TCP settings: a peer that stops answering is noticed in ~25 s on an idle socket
# (keepalives) and in 10 s when a request is waiting for the server to acknowledge data.
_TCP_PARAMS: dict[str, int] = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,
}


def ensure_sqlite_folder(url: str) -> None:
    """An SQLite file's folder (e.g. instance/ in a fresh clone) exists before first use."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str, settings: Mapping[str, Any] | None = None) -> Engine:
    """Create an engine with the per-dialect settings the app relies on.

    `settings` is the app config (or any mapping) with the DB_* keys of api/config.py;
    missing keys take DEFAULTS. A parameter already in the URL's query string wins.
    """
    opts = {key: int((settings or {}).get(key, default)) for key, default in DEFAULTS.items()}
    ensure_sqlite_folder(url)
    parsed = make_url(url)
    kwargs: dict[str, Any]
    if parsed.get_backend_name() == "sqlite":
        # Unchanged behaviour, with the lock wait spelled out (sqlite3's default is 5 s).
        busy = opts["SQLITE_BUSY_TIMEOUT_MS"] / 1000
        kwargs = {"connect_args": {"check_same_thread": False, "timeout": busy}}
    else:
        kwargs = {
            "pool_timeout": opts["DB_POOL_TIMEOUT"],
            "pool_recycle": opts["DB_POOL_RECYCLE"],
            "pool_size": opts["DB_POOL_SIZE"],
            "max_overflow": opts["DB_MAX_OVERFLOW"],
        }
        if parsed.get_backend_name() == "postgresql":
            kwargs["connect_args"] = _postgres_connect_args(parsed, opts)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.driver == "psycopg":
        event.listen(engine, "checkout", _closed_by_server)
    return engine


def _closed_by_server(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Refuse a pooled connection whose server has hung up, without asking the server.

    An idle connection's socket has nothing to read: every answer was read with its
    statement, and we LISTEN to nothing. So a readable one holds the end of the session (a
    restart, `pg_terminate_backend`, a crash: the kernel delivers the FIN or RST, often after
    a FATAL message) and `DisconnectionError` makes the pool open a new connection instead.
    `pool_pre_ping` learns the same with a `SELECT 1` round trip on every checkout: the
    price of one more statement per request (bench/RESULTS.md: a detail is one statement).
    A server gone silently (no FIN) is not seen here or by a ping until TCP gives up
    (`tcp_user_timeout` below)."""
    try:
        fd = dbapi_connection.pgconn.socket
    except psycopg.Error as exc:  # the connection already knows it is closed
        raise DisconnectionError("connection closed") from exc
    readable, _, _ = select.select([fd], [], [], 0)
    if readable:
        raise DisconnectionError("the server closed the connection")


def _postgres_connect_args(url: URL, opts: Mapping[str, int]) -> dict[str, Any]:
    """libpq parameters: bounded connect, server-side statement timeout, TCP liveness."""
    query = url.query
    args: dict[str, Any] = {}
    if "connect_timeout" not in query:
        args["connect_timeout"] = opts["DB_CONNECT_TIMEOUT"]
    for key, value in _TCP_PARAMS.items():
        if key not in query:
            args[key] = value
    statement_timeout = opts["DB_STATEMENT_TIMEOUT_MS"]
    if statement_timeout > 0:
        # connect_args replace the URL's own `options`, so keep those and add ours.
        given = query.get("options", "")
        given = " ".join(given) if isinstance(given, tuple) else given
        args["options"] = f"{given} -c statement_timeout={statement_timeout}".strip()
    return args


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
    # Case-insensitive filters with non-ASCII values (api/filters.py Folded): SQLite's own
    # lower() folds ASCII letters only.
    dbapi_connection.create_function("unicode_lower", 1, _unicode_lower, deterministic=True)


def _unicode_lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


class DatabaseState:
    """What the process last saw of the database, learnt from real traffic (no query).

    "ok" after a successful checkout, "unavailable" after a failed connect or a dropped
    connection, "unknown" before the first attempt. Liveness reports it; readiness checks.
    """

    def __init__(self, engine: Engine) -> None:
        self.value = "unknown"
        event.listen(engine, "checkout", self._on_checkout)
        event.listen(engine, "handle_error", self._on_error)

    def _on_checkout(self, *_: Any) -> None:
        self.value = "ok"

    def _on_error(self, context: ExceptionContext) -> None:
        if context.is_disconnect or context.connection is None:
            self.value = "unavailable"


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"], app.config)
    app.extensions[EXTENSION] = sessionmaker(engine, expire_on_commit=False)
    app.extensions[STATE_EXTENSION] = DatabaseState(engine)
    app.extensions[READ_SESSIONS] = (
        sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)
        if engine.dialect.name == "postgresql"
        else None
    )
    app.extensions[READS] = threading.local() if engine.dialect.name == "sqlite" else None
    app.teardown_appcontext(_close_session)


def engine(app: Flask) -> Engine:
    factory: sessionmaker[Session] = app.extensions[EXTENSION]
    bind = factory.kw["bind"]
    assert isinstance(bind, Engine)
    return bind


def reads() -> Connection:
    """Where plain reads (api/rows.py, keyset pages) run.

    PostgreSQL: the request's session connection (in autocommit for a read request: see
    `session`); it goes back to the pool when the request ends.

    SQLite: a connection each thread keeps across requests, in autocommit. sqlite3 never
    opens a transaction for a SELECT, so every statement already saw the latest committed
    data on the session's connection too; what the session added per request was a pool
    checkout, a begin, a rollback and a checkin: a fifth of a detail's CPU in-process
    (1.05 -> 0.88 ms). It stays a SQLAlchemy Connection: the same events, error handling
    and statement counts."""
    from flask import current_app

    held: threading.local = current_app.extensions[READS]
    if held is None:
        return session().connection()
    conn: Connection | None = getattr(held, "connection", None)
    if conn is None or conn.closed or conn.invalidated:
        conn = engine(current_app).connect().execution_options(isolation_level="AUTOCOMMIT")
        held.connection = conn
    return conn


def state(app: Flask) -> str:
    """The last seen database state: "ok", "unavailable" or "unknown" (see DatabaseState)."""
    tracker: DatabaseState = app.extensions[STATE_EXTENSION]
    return tracker.value


def session() -> Session:
    """The session of the current app context, opened on first use.

    A read request on PostgreSQL gets one in autocommit: each statement is its own
    transaction, as each already had its own snapshot inside the request's transaction
    (READ COMMITTED), without the BEGIN and COMMIT round trips around them. It also never
    sends ROLLBACK, on which psycopg forgets its prepared statements (PostgreSQL would then
    plan each statement on every request: a commitment's detail, 0.9 ms to plan and 0.4 ms
    to run). Everything else (the CLI, a write) gets a session with a transaction."""
    if "db_session" not in g:
        from flask import current_app

        reads: sessionmaker[Session] | None = current_app.extensions[READ_SESSIONS]
        if reads is not None and has_request_context() and request.method in READ_METHODS:
            g.db_session = reads()
        else:
            g.db_session = current_app.extensions[EXTENSION]()
    s: Session = g.db_session
    return s


def _close_session(exc: BaseException | None) -> None:
    s = g.pop("db_session", None)
    if s is None:
        return
    try:
        s.close()
    except SQLAlchemyError as exc:
        # The connection died after the response was built (its ROLLBACK failed): discard
        # it rather than let teardown turn an answered request into a 500.
        log.warning("discarding a broken database connection: %s", type(exc).__name__)
        with contextlib.suppress(SQLAlchemyError):
            s.invalidate()
