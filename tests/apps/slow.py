"""The real app plus one deliberately slow route, for the graceful-shutdown test only."""

from __future__ import annotations

import time

from flask import Flask

from api import create_app


def create() -> Flask:
    app = create_app()

    @app.get("/_test/slow")
    def slow() -> dict[str, str]:
        time.sleep(2)
        return {"status": "finished"}

    return app
