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


class _Source:
    """The body of one generated dump function: an expression per field, and the names
    (callables, constants) those expressions refer to."""

    def __init__(self) -> None:
        self.names: dict[str, Any] = {}

    def name(self, value: Any) -> str:
        key = f"_{len(self.names)}"
        self.names[key] = value
        return key

    def expression(self, name: str, field: fields.Field[Any]) -> str:
        """Python source for `field`'s dumped value of `obj`; it agrees with
        `field.serialize(name, obj)` (tests/test_dumping.py)."""
        from .v1.common import PartialDate, Ref, format_partial, ref_or_expanded

        attr = field.attribute or name
        kind = type(field)
        if kind is fields.Function:
            func = field.serialize_func  # type: ignore[attr-defined]
            if func is not None:
                return f"{self.name(func)}(obj)"
        if kind is fields.Method:
            method = field._serialize_method  # type: ignore[attr-defined]
            if method is not None:
                return f"{self.name(method)}(obj)"
        if not attr.isidentifier():  # a dotted path: attrgetter, exactly as before
            return f"{self.name(_field(name, field))}(obj)"
        value = f"obj.{attr}"
        if kind is fields.String:
            return f"(v if (v := {value}) is None or type(v) is str else str(v))"
        if kind is fields.Integer and not field.as_string:  # type: ignore[attr-defined]
            return f"(v if (v := {value}) is None or type(v) is int else int(v))"
        if kind in _AS_IS:
            return value
        if kind is PartialDate:
            return f"{self.name(format_partial)}({value}, obj.{attr}_precision)"
        if kind is Ref:
            return f"{self.name(ref_or_expanded)}({value}, {name!r})"
        nested: Any = field
        if kind is fields.Nested and not nested.many:
            inner = self.name(compiled(_schema_class(nested), _only(nested)))
            return f"(None if (v := {value}) is None else {inner}(v))"
        if kind is fields.List and type(nested.inner) is fields.Nested:
            row = self.name(compiled(_schema_class(nested.inner), _only(nested.inner)))
            return f"(None if (v := {value}) is None else [{row}(r) for r in v])"
        return f"{self.name(_field(name, field))}(obj)"


def _field(name: str, field: fields.Field[Any]) -> Getter:
    """`field.serialize(name, obj)` as a function of obj (dotted attributes, other types)."""
    if type(field) is fields.String and field.attribute:
        return _plain(field.attribute, lambda v: v if type(v) is str else str(v))
    return lambda obj: field.serialize(name, obj)


def _schema_class(nested: Any) -> Any:
    return type(nested.schema)


def _only(nested: Any) -> tuple[str, ...] | None:
    return tuple(nested.only) if nested.only else None


def _has_dump_hooks(schema: Schema) -> bool:
    hooks = schema._hooks
    return any(hooks[key] for key in hooks if "dump" in str(key))


@cache
def compiled(schema_class: type[Schema], only: tuple[str, ...] | None = None) -> Dumper:
    """A function that dumps one object as `schema_class(only=only).dump` would: Python
    source generated from the schema's fields (one dict display, the plain fields read
    inline) and compiled once, so a dumped row costs one call instead of one per field."""
    schema = schema_class(only=only) if only else schema_class()
    if _has_dump_hooks(schema):
        return schema.dump
    source = _Source()
    items = [
        f"        {field.data_key or name!r}: {source.expression(name, field)},"
        for name, field in schema.dump_fields.items()
    ]
    code = "\n".join(["def dump(obj):", "    return {", *items, "    }"])
    namespace = dict(source.names)
    exec(compile(code, f"<dump {schema_class.__name__}>", "exec"), namespace)  # noqa: S102
    dump: Dumper = namespace["dump"]
    dump.__doc__ = code  # what it does, for a reader in a debugger
    return dump


def dump_many(schema_class: type[Schema], objs: Any, only: tuple[str, ...] | None = None) -> Any:
    row = compiled(schema_class, only)
    return [row(obj) for obj in objs]
