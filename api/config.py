"""Every setting, read from the environment in one place."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = PROJECT_ROOT / "instance" / "regsec.sqlite3"


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    return int(raw) if raw not in (None, "") else default


def from_env(env: dict[str, str] | None = None) -> dict[str, Any]:
    """Build the app config mapping from environment variables (documented in README)."""
    env = dict(os.environ if env is None else env)
    return {
        "DATABASE_URL": env.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}",
        # Signs pagination cursors. Without it, a random key per process: cursors then
        # stop working after a restart (gunicorn --preload shares one key across workers).
        "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_hex(32),
        "CACHE_MAX_AGE": _int(env, "CACHE_MAX_AGE", 300),
        "MAX_CONTENT_LENGTH": _int(env, "MAX_CONTENT_LENGTH", 64 * 1024),
        "DEBUG": env.get("FLASK_DEBUG") == "1",
        # Read lists and details as plain rows (api/rows.py) where a resource declares how;
        # False reads everything through the ORM (the tests compare both answers).
        "PLAIN_READS": True,
        # Longest request line (method + URL) and header block answered before a 414/431.
        "MAX_URL_LENGTH": _int(env, "MAX_URL_LENGTH", 4096),
        "MAX_HEADER_BYTES": _int(env, "MAX_HEADER_BYTES", 16 * 1024),
        # Per-client limits (Flask-Limiter syntax, ';'-separated); storage memory:// or redis://
        # One count per client for the whole API, set by RATELIMIT_DEFAULT. Kept under
        # Flask-Limiter's key for limits every route shares: under its RATELIMIT_DEFAULT key
        # Flask-Limiter counted each route apart (600 a minute on every one of them).
        "RATELIMIT_APPLICATION": env.get("RATELIMIT_DEFAULT", "600 per minute;20000 per day"),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": env.get("RATELIMIT_ENABLED", "1") != "0",
        # Number of reverse proxies in front of the app whose X-Forwarded-For is trusted.
        "TRUSTED_PROXIES": _int(env, "TRUSTED_PROXIES", 0),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        # Database fault tolerance (api/db.py): a stopped or slow database answers 503 fast.
        # DB_CONNECT_TIMEOUT: seconds to wait for a new PostgreSQL connection (psycopg
        #   connect_timeout; psycopg treats values below 2 as 2).
        # DB_STATEMENT_TIMEOUT_MS: PostgreSQL cancels any statement running longer (0 = never);
        #   the request then answers 503 "the query took too long".
        # DB_POOL_TIMEOUT: seconds a request waits for a free pooled connection before a 503.
        # DB_POOL_RECYCLE: seconds after which a pooled connection is replaced (-1 = never).
        # DB_POOL_SIZE / DB_MAX_OVERFLOW: connections kept per process / extra ones allowed.
        # SQLITE_BUSY_TIMEOUT_MS: how long SQLite waits on a locked database file.
        # DB_RETRY_AFTER: the Retry-After seconds of a 503 for an unavailable database.
        "DB_CONNECT_TIMEOUT": _int(env, "DB_CONNECT_TIMEOUT", 3),
        "DB_STATEMENT_TIMEOUT_MS": _int(env, "DB_STATEMENT_TIMEOUT_MS", 5000),
        "DB_POOL_TIMEOUT": _int(env, "DB_POOL_TIMEOUT", 2),
        "DB_POOL_RECYCLE": _int(env, "DB_POOL_RECYCLE", 1800),
        "DB_POOL_SIZE": _int(env, "DB_POOL_SIZE", 5),
        "DB_MAX_OVERFLOW": _int(env, "DB_MAX_OVERFLOW", 10),
        "SQLITE_BUSY_TIMEOUT_MS": _int(env, "SQLITE_BUSY_TIMEOUT_MS", 5000),
        "DB_RETRY_AFTER": _int(env, "DB_RETRY_AFTER", 5),
    }
