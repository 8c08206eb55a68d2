"""The real app plus two test-only routes, for the tests that run it under gunicorn
(tests/test_shutdown.py): a deliberately slow one, and one that reports on the worker."""

from __future__ import annotations

import gc
import time

from flask import Flask

from api import create_app


def create() -> Flask:
    app = create_app()

    @app.get("/_test/slow")
    def slow() -> dict[str, str]:
        time.sleep(2)
        return {"status": "finished"}

    @app.get("/_test/gc")
    def collector() -> dict[str, int]:
        """Objects in the worker's permanent GC generation (gunicorn.conf.py pre_fork)."""
        return {"frozen": gc.get_freeze_count()}

    return app
