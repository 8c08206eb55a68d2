"""The one owner of the engine and the request-scoped session."""

from __future__ import annotations

from typing import Any

from flask import Flask, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

EXTENSION = "regsec.db"


def make_engine(url: str) -> Engine:
    """Create an engine with the per-dialect settings the app relies on."""
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        kwargs = {"connect_args": {"check_same_thread": False}}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions[EXTENSION] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def engine(app: Flask) -> Engine:
    factory: sessionmaker[Session] = app.extensions[EXTENSION]
    bind = factory.kw["bind"]
    assert isinstance(bind, Engine)
    return bind


def session() -> Session:
    """The session of the current app context, opened on first use."""
    if "db_session" not in g:
        from flask import current_app

        g.db_session = current_app.extensions[EXTENSION]()
    s: Session = g.db_session
    return s


def _close_session(_exc: BaseException | None) -> None:
    s = g.pop("db_session", None)
    if s is not None:
        s.close()
