"""The query-argument grammar shared by every endpoint: parsing and validation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
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

    sort = fields.String(load_default=None, validate=validate.Length(min=1, max=200))
    expand = fields.String(load_default=None, validate=validate.Length(min=1, max=200))
    q = fields.String(load_default=None, validate=validate.Length(min=1, max=200))
    format = fields.String(
        load_default=None, validate=validate.OneOf(("json", "csv", "ndjson", "geojson"))
    )
    fields_ = fields.String(
        data_key="fields", load_default=None, validate=validate.Length(min=1, max=500)
    )


class NoArgs(Schema):
    """Detail endpoints take no query parameters."""

    class Meta:
        unknown = RAISE


class FullDate(fields.Field[dt.date]):
    """A real day written exactly YYYY-MM-DD (strptime would also take `2024-1-5`)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.date:
        from .filters import FilterError, full_date  # filters -> v1 -> params: import late

        if not isinstance(value, str):
            raise ValidationError("Must be a full date, YYYY-MM-DD.")
        try:
            return full_date(value)
        except FilterError as exc:
            raise ValidationError(str(exc)) from None


class AsOfArgs(NoArgs):
    """Detail endpoints with dated nested rows accept `as_of` to keep those in force."""

    as_of = FullDate(load_default=None)


@cache
def instance(schema_class: type[Schema]) -> Schema:
    """One instance per argument schema: building one deep-copies its declared fields (a
    few per cent of a list request), and loading keeps no state on the instance."""
    return schema_class()


def parse(
    schema: Schema | type[Schema], args: MultiDict[str, str] | Mapping[str, str]
) -> dict[str, Any]:
    """Validate query arguments; any problem is a 400 naming each bad parameter."""
    if isinstance(schema, type):
        schema = instance(schema)
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


def parse_split(
    schema: Schema | type[Schema], args: MultiDict[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate the parameters `schema` declares; return them and the remaining ones
    (filters, validated by the caller). Repeated parameters are an error either way."""
    if isinstance(schema, type):
        schema = instance(schema)
    keys = {f.data_key or name for name, f in schema.fields.items()}
    own = {k for k in args if k in keys}
    repeated = [k for k in args if len(args.getlist(k)) > 1]
    if repeated:
        raise ApiError(
            400,
            f"Invalid query parameter(s): {', '.join(sorted(repeated))}.",
            title="Invalid query parameter",
            errors=[{"name": k, "reason": "Given more than once."} for k in sorted(repeated)],
        )
    loaded = parse(schema, {k: args[k] for k in own})
    return loaded, {k: args[k] for k in args if k not in own}


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
