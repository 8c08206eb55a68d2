"""The query-argument grammar shared by every endpoint: parsing and validation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate
from werkzeug.datastructures import MultiDict

from .errors import ApiError


class ListArgs(Schema):
    """Arguments every list endpoint accepts."""

    class Meta:
        unknown = RAISE

    limit = fields.Integer(
        load_default=50,
        validate=validate.Range(min=1, max=500),
        metadata={"description": "Page size (1–500)."},
    )
    cursor = fields.String(load_default=None, validate=validate.Length(min=1, max=1000))
    count = fields.Boolean(
        load_default=True,
        truthy={"true", "1"},
        falsy={"false", "0"},
        metadata={"description": "Compute meta.total (true) or skip it (false)."},
    )


class NoArgs(Schema):
    """Detail endpoints take no query parameters."""

    class Meta:
        unknown = RAISE


def parse(schema: Schema, args: MultiDict[str, str] | Mapping[str, str]) -> dict[str, Any]:
    """Validate query arguments; any problem is a 400 naming each bad parameter."""
    errors: list[dict[str, str]] = []
    flat: dict[str, str] = {}
    if isinstance(args, MultiDict):
        for key in args:
            values = args.getlist(key)
            if len(values) > 1:
                errors.append({"name": key, "reason": "Given more than once."})
            flat[key] = values[0]
    else:
        flat = dict(args)
    try:
        loaded: dict[str, Any] = schema.load(flat)
    except ValidationError as exc:
        errors.extend(_flatten(exc.messages))
        loaded = {}
    if errors:
        names = ", ".join(sorted({e["name"] for e in errors}))
        raise ApiError(
            400,
            f"Invalid query parameter(s): {names}.",
            title="Invalid query parameter",
            errors=errors,
        )
    return loaded


def _flatten(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}{key}" if not prefix else f"{prefix}.{key}"
            if isinstance(value, dict):
                out.extend(_flatten(value, name))
            else:
                reasons = value if isinstance(value, list) else [value]
                reason = " ".join(str(r) for r in reasons)
                if reason == "Unknown field.":
                    reason = "Unknown query parameter."
                out.append({"name": name, "reason": reason})
    else:
        out.append({"name": prefix or "_", "reason": str(messages)})
    return out
