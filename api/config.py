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
        "DEFAULT_PAGE_SIZE": 50,
        "MAX_PAGE_SIZE": 500,
        "MAX_CONTENT_LENGTH": _int(env, "MAX_CONTENT_LENGTH", 64 * 1024),
        "DEBUG": env.get("FLASK_DEBUG") == "1",
        "JSON_SORT_KEYS": False,
        # Longest request line (method + URL) and header block answered before a 414/431.
        "MAX_URL_LENGTH": _int(env, "MAX_URL_LENGTH", 4096),
        "MAX_HEADER_BYTES": _int(env, "MAX_HEADER_BYTES", 16 * 1024),
        # Per-client limits (Flask-Limiter syntax, ';'-separated); storage memory:// or redis://
        "RATELIMIT_DEFAULT": env.get("RATELIMIT_DEFAULT", "600 per minute;20000 per day"),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": env.get("RATELIMIT_ENABLED", "1") != "0",
        # Number of reverse proxies in front of the app whose X-Forwarded-For is trusted.
        "TRUSTED_PROXIES": _int(env, "TRUSTED_PROXIES", 0),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
    }
