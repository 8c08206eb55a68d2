"""Marshmallow output schemas compiled into plain functions: the same shape, less overhead.

The schemas in `api/v1/*/schemas.py` stay the one description of every representation (and
of the seed input). Dumping through `Schema.dump` costs several Python calls per field and
value (`serialize` -> `get_value` -> `utils.get_value` -> `_serialize`); on a page of 50
commitments that was a fifth of the request (bench/RESULTS.md). `compiled(schema)` reads the
schema's fields once and returns a function that builds the same dict with one call per
field. Field types it does not know are dumped by the field itself, so the output is the
schema's by construction; tests/test_dumping.py checks them equal on every seed row.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from operator import attrgetter
from typing import Any

from marshmallow import Schema, fields

Dumper = Callable[[Any], dict[str, Any]]
Getter = Callable[[Any], Any]

# Fields whose dump is the attribute's value as stored (None stays None).
_AS_IS = (fields.Boolean, fields.Raw)


def _plain(attr: str, convert: Callable[[Any], Any] | None) -> Getter:
    get = attrgetter(attr)
    if convert is None:
        return get

    def value(obj: Any) -> Any:
        v = get(obj)
        return None if v is None else convert(v)

    return value


def _field(schema: Schema, name: str, field: fields.Field[Any]) -> Getter:
    """A function obj -> dumped value that agrees with `field.serialize(name, obj)`."""
    from .v1.common import PartialDate, Ref, format_partial, ref_or_expanded

    attr = field.attribute or name
    kind = type(field)
    if kind is fields.Function:
        func = field.serialize_func  # type: ignore[attr-defined]
        if func is not None:
            return func  # type: ignore[no-any-return]
    if kind is fields.Method:
        method = field._serialize_method  # type: ignore[attr-defined]
        if method is not None:
            return method  # type: ignore[no-any-return]
    if kind is fields.String:
        return _plain(attr, lambda v: v if type(v) is str else str(v))
    if kind is fields.Integer and not field.as_string:  # type: ignore[attr-defined]
        return _plain(attr, lambda v: v if type(v) is int else int(v))
    if kind in _AS_IS:
        return _plain(attr, None)
    if kind is PartialDate:
        get, precision = attrgetter(attr), attrgetter(f"{attr}_precision")
        return lambda obj: format_partial(get(obj), precision(obj))
    if kind is Ref:
        get = attrgetter(attr)
        return lambda obj: ref_or_expanded(get(obj), name)
    nested: Any = field
    if kind is fields.Nested and not nested.many:
        inner = compiled(_schema_class(nested), _only(nested))
        return _plain(attr, inner)
    if kind is fields.List and type(nested.inner) is fields.Nested:
        row = compiled(_schema_class(nested.inner), _only(nested.inner))
        return _plain(attr, lambda rows: [row(r) for r in rows])
    return lambda obj: field.serialize(name, obj)  # any other field: exactly as marshmallow


def _schema_class(nested: Any) -> Any:
    return type(nested.schema)


def _only(nested: Any) -> tuple[str, ...] | None:
    return tuple(nested.only) if nested.only else None


def _has_dump_hooks(schema: Schema) -> bool:
    hooks = schema._hooks
    return any(hooks[key] for key in hooks if "dump" in str(key))


@cache
def compiled(schema_class: type[Schema], only: tuple[str, ...] | None = None) -> Dumper:
    """A function that dumps one object as `schema_class(only=only).dump` would."""
    schema = schema_class(only=only) if only else schema_class()
    if _has_dump_hooks(schema):
        return schema.dump
    steps = [
        (field.data_key or name, _field(schema, name, field))
        for name, field in schema.dump_fields.items()
    ]

    def dump(obj: Any) -> dict[str, Any]:
        return {key: get(obj) for key, get in steps}

    return dump


def dump_many(schema_class: type[Schema], objs: Any, only: tuple[str, ...] | None = None) -> Any:
    row = compiled(schema_class, only)
    return [row(obj) for obj in objs]
