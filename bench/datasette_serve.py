"""Serve one SQLite file with Datasette the way `datasette serve -i FILE` does, minus the
per-request access log (the project and the floor log nothing per request in the benchmark
either). Runs in bench/.venv-datasette, never in the project's venv.

    python bench/datasette_serve.py FILE PORT
"""

from __future__ import annotations

import asyncio
import sys

import uvicorn
from datasette.app import Datasette


def main() -> None:
    path, port = sys.argv[1], int(sys.argv[2])
    ds = Datasette(
        immutables=[path],  # -i: read-only, counts cached, no change checks per request
        settings={
            "sql_time_limit_ms": 30_000,  # the deep and export queries must not be cut off
            "max_returned_rows": 20_000,  # the 10,000-row CSV export
            "suggest_facets": False,  # an API client asks for no facet suggestions
            "num_sql_threads": 3,  # Datasette's default
        },
    )
    asyncio.run(ds.invoke_startup())
    uvicorn.run(
        ds.app(), host="127.0.0.1", port=port, log_level="warning", access_log=False, workers=1
    )


if __name__ == "__main__":
    main()
