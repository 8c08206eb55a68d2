"""Representation pieces every resource shares: references, partial dates, evidence."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import request
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

import models as m

from ..dumping import compiled, dump_many
from ..rows import MAPPED

PRECISIONS = ("day", "month", "year", "unknown")

# Public collection name and label attribute of every resource type.
_COLLECTIONS: dict[type[Any], tuple[str, str, str]] = {
    m.Country: ("countries", "country", "name"),
    m.Organization: ("organizations", "organization", "name"),
    m.Person: ("people", "person", "name"),
    m.Meeting: ("meetings", "meeting", "title"),
    m.Commitment: ("commitments", "commitment", "title"),
    m.Dispute: ("disputes", "dispute", "name"),
    m.Incident: ("incidents", "incident", "title"),
    m.Source: ("sources", "source", "title"),
}


# Base URL of the v1 API for the request being served, set before each v1 request: dumping
# a page reads it for every reference, and a context variable is far cheaper than `g`.
_API_ROOT: ContextVar[str | None] = ContextVar("api_root", default=None)


def set_api_root() -> None:
    _API_ROOT.set(request.host_url + "api/v1")


def api_root() -> str:
    """Absolute base URL of the v1 API for this request."""
    return _API_ROOT.get() or request.host_url + "api/v1"


def _kind(obj: Any) -> type[Any]:
    """The mapped class of an ORM object or of a plain row read for it (api/rows.py)."""
    cls = type(obj)
    return MAPPED.get(cls, cls)


def public_id(obj: Any) -> str:
    return str(obj.iso2 if _kind(obj) is m.Country else obj.slug)


def url_of(obj: Any) -> str:
    collection = _COLLECTIONS[_kind(obj)][0]
    return f"{api_root()}/{collection}/{public_id(obj)}"


# Per class of object (mapped, or plain rows of a mapped class): collection, type name and
# the attributes holding the public id and the label. A page holds hundreds of references.
_REFS: dict[type[Any], tuple[str, str, str, str]] = {}


def _ref_parts(cls: type[Any]) -> tuple[str, str, str, str]:
    kind = MAPPED.get(cls, cls)
    collection, type_name, label = _COLLECTIONS[kind]
    parts = _REFS[cls] = (collection, type_name, "iso2" if kind is m.Country else "slug", label)
    return parts


KEPT_REF = "_ref"  # a plain row's own reference, with the API root it was made for


def ref(obj: Any) -> dict[str, Any] | None:
    """The compact reference {id, type, name, url} to a resource, or None.

    A plain row (api/rows.py) keeps the reference made for it: the rows of the reference
    tables (countries, organizations) are shared by every page until the data version
    moves, and a page refers to the same few of them over and over. Nothing modifies a
    reference once made; JSON encoders may meet the same dict many times."""
    if obj is None:
        return None
    root = _API_ROOT.get() or api_root()
    cls = type(obj)
    plain = cls in MAPPED
    if plain:
        kept = obj.__dict__.get(KEPT_REF)
        if kept is not None and kept[0] == root:
            return kept[1]  # type: ignore[no-any-return]
    collection, type_name, key, label = _REFS.get(cls) or _ref_parts(cls)
    pid = str(getattr(obj, key))
    out = {
        "id": pid,
        "type": type_name,
        "name": getattr(obj, label),
        "url": f"{root}/{collection}/{pid}",
    }
    if plain:
        obj.__dict__[KEPT_REF] = (root, out)
    return out


def actor_of(row: Any) -> Any:
    """The country, organization or person a polymorphic row points at."""
    for attr in ("country", "organization", "person"):
        value = getattr(row, attr, None)
        if value is not None:
            return value
    return None


def format_partial(value: dt.date | None, precision: str) -> str | None:
    """ISO 8601 at the precision known: '2023-12-17', '2024-06', '2023' or None."""
    if value is None or precision == "unknown":
        return None
    text = value.isoformat()
    return {"day": text, "month": text[:7], "year": text[:4]}[precision]


_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_partial(text: str) -> tuple[dt.date, str]:
    """'2024-06' -> (2024-06-01, 'month'); raises ValueError when malformed."""
    match = _PARTIAL.match(text)
    if not match:
        raise ValueError(f"'{text}' is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    precision = "day" if day else "month" if month else "year"
    return dt.date(int(year), int(month or 1), int(day or 1)), precision


def partial_end(start: dt.date | None, precision: str) -> dt.date | None:
    """Last day of the interval a partial date covers (None when unknown)."""
    if start is None or precision == "unknown":
        return None
    if precision == "day":
        return start
    if precision == "month":
        following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return dt.date(start.year, 12, 31)


class PartialDate(fields.Field[str]):
    """Dumps a date column at the precision in its sibling `<name>_precision` column."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return format_partial(value, getattr(obj, f"{attr}_precision"))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError("Must be a string YYYY, YYYY-MM or YYYY-MM-DD.")
        try:
            parse_partial(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        return value


# Names of the reference fields this request asked to expand (`expand=meeting,givers`).
EXPANDING: ContextVar[frozenset[str]] = ContextVar("expanding", default=frozenset())
# The summary schema of each resource type, registered by the resource's schemas module.
SUMMARIES: dict[type[Any], type[Schema]] = {}


# The day an `as_of` detail request asked about: dated rows not in force then are left out.
AS_OF: ContextVar[dt.date | None] = ContextVar("as_of", default=None)


def in_force(rows: Any) -> list[Any]:
    """Rows (memberships, roles) in force on AS_OF's day; all rows when it is unset.
    The twin of the `as_of` list filter: unknown bounds are open."""
    day = AS_OF.get()
    if day is None:
        return list(rows)
    return [
        r
        for r in rows
        if (r.since is None or r.since <= day) and (r.until_end is None or r.until_end >= day)
    ]


@contextmanager
def as_of(day: dt.date | None) -> Iterator[None]:
    token = AS_OF.set(day)
    try:
        yield
    finally:
        AS_OF.reset(token)


@contextmanager
def expanding(names: frozenset[str]) -> Iterator[None]:
    token = EXPANDING.set(names)
    try:
        yield
    finally:
        EXPANDING.reset(token)


def ref_or_expanded(obj: Any, field_name: str | None) -> dict[str, Any] | None:
    """A compact reference, or the full summary when this field is being expanded."""
    if obj is None or field_name not in EXPANDING.get():
        return ref(obj)
    with expanding(frozenset()):  # one level only
        out: dict[str, Any] = compiled(SUMMARIES[_kind(obj)])(obj)
    return out


def nested_rows(schema: type[Schema], rows: Any, *, expand: str, inner: str) -> fields.Function:
    """A list of nested rows whose `inner` reference expands when `expand` is asked for."""

    def dump(obj: Any) -> Any:
        asked = EXPANDING.get()
        if not asked:  # the common case: nothing expands, no context to switch
            return dump_many(schema, rows(obj))
        with expanding(frozenset({inner}) if expand in asked else frozenset()):
            return dump_many(schema, rows(obj))

    return fields.Function(dump)


class Ref(fields.Field[str]):
    """Dumps a related object as a compact reference (or expanded); loads a public id."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return ref_or_expanded(value, self.name)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or not value:
            raise ValidationError("Must be an id string.")
        return value


def evidence_of(obj: Any) -> list[dict[str, Any]]:
    """Evidence items of a fact row, in the documented shape."""
    out = []
    for link in obj.evidence_links:
        ev = link.evidence
        src = ev.source
        out.append(
            {
                "source": {
                    "id": src.slug,
                    "type": "source",
                    "name": src.title,
                    "url": f"{api_root()}/sources/{src.slug}",
                    "title": src.title,
                    "web_url": src.url,
                },
                "quote": ev.quote,
                "locator": {"paragraph": ev.paragraph} if ev.paragraph else None,
                "supports": link.supports,
                "note": link.note,
            }
        )
    return out


class Resource(Schema):
    """Output base: every resource starts with id, type and url."""

    TYPE: str = ""

    id = fields.Function(public_id)
    type = fields.Method("_type")
    url = fields.Function(url_of)

    def _type(self, obj: Any) -> str:
        return self.TYPE


class EvidenceMixin(Schema):
    """Adds `evidence`. List it first among the bases so the field comes last in output."""

    evidence = fields.Function(evidence_of)


# ---- input (seed) pieces -------------------------------------------------------------


class EvidenceIn(Schema):
    """One evidence item in a seed record: a verbatim quote, or a reference citation."""

    source = fields.String(required=True, validate=validate.Length(min=1, max=120))
    quote = fields.String(load_default=None, validate=validate.Length(min=3, max=600))
    paragraph = fields.Integer(load_default=None, validate=validate.Range(min=1))
    supports = fields.String(load_default="fact", validate=validate.Length(min=1, max=40))
    note = fields.String(load_default=None, validate=validate.Length(max=300))

    @validates_schema
    def _quote_or_citation(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["quote"] is None and data["supports"] == "fact":
            raise ValidationError(
                "An evidence item without a quote must say what it `supports`.", "quote"
            )


def evidence_list(required: bool = True) -> fields.List[Any]:
    if not required:
        return fields.List(fields.Nested(EvidenceIn), load_default=list)
    return fields.List(fields.Nested(EvidenceIn), required=True, validate=validate.Length(min=1))


def check_partial_dates(data: dict[str, Any], *names: str) -> None:
    """Each `<name>` string agrees with its `<name>_precision` (unknown iff null)."""
    for name in names:
        value = data.get(name)
        precision = data.get(f"{name}_precision", "unknown")
        if value is None:
            if precision != "unknown":
                raise ValidationError("A null date must have precision 'unknown'.", name)
        elif parse_partial(value)[1] != precision:
            raise ValidationError(f"'{value}' does not have precision '{precision}'.", name)


def date_in() -> PartialDate:
    return PartialDate(load_default=None, allow_none=True)


def precision_in() -> fields.String:
    return fields.String(load_default="unknown", validate=validate.OneOf(PRECISIONS))


def as_stated_in() -> fields.String:
    return fields.String(load_default=None, allow_none=True, validate=validate.Length(max=120))


def text_in(max_length: int = 300, *, required: bool = False) -> fields.String:
    if required:
        return fields.String(required=True, validate=validate.Length(min=1, max=max_length))
    return fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=max_length)
    )


def actor_ids_in(data: dict[str, Any], kinds: tuple[str, ...]) -> None:
    """A polymorphic seed reference names exactly one of `kinds`."""
    given = [k for k in kinds if data.get(k) is not None]
    if len(given) != 1:
        raise ValidationError(f"Give exactly one of {', '.join(kinds)}.", kinds[0])


class SeedSchema(Schema):
    """Input base: unknown keys in a seed file are an error, not silently dropped."""

    class Meta:
        unknown = "raise"


def one_of(*choices: str) -> validate.OneOf:
    return validate.OneOf(choices)
