"""Schemathesis hooks for scripts/fuzz.sh.

`cursor` is an opaque token only the server issues (HMAC-signed with its key): no generator
can produce a valid one, so generated values are dropped and every other parameter is still
fuzzed. Cursors are covered by tests/test_pagination.py and tests/test_hostile.py.
"""

from __future__ import annotations

from typing import Any

import schemathesis


@schemathesis.hook
def map_query(context: Any, query: dict[str, Any] | None) -> dict[str, Any] | None:
    if query:
        query.pop("cursor", None)
    return query
