"""Schemathesis hooks for scripts/fuzz.sh.

`cursor` is an opaque token only the server issues (HMAC-signed with its own key): no
generator can produce a valid one, and the documented example was signed by another
process. The fuzzer therefore sees the schema without the cursor parameter; everything
else is fuzzed. Cursors are covered by tests/test_pagination.py and tests/test_hostile.py.
"""

from __future__ import annotations

from typing import Any

import schemathesis


def _is_cursor(parameter: dict[str, Any]) -> bool:
    return parameter.get("name") == "cursor" or parameter.get("$ref", "").endswith("/Cursor")


@schemathesis.hook
def before_load_schema(context: Any, raw_schema: dict[str, Any]) -> None:
    for item in raw_schema.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and "parameters" in operation:
                operation["parameters"] = [p for p in operation["parameters"] if not _is_cursor(p)]
