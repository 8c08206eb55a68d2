"""Timeline entries and the timeline's query arguments."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from ...filters import FilterError, partial_interval
from ..common import api_root, format_partial

COLLECTIONS = {"meeting": "meetings", "commitment": "commitments", "incident": "incidents"}


class TimelineArgs(Schema):
    class Meta:
        unknown = RAISE

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None, validate=validate.Length(min=1, max=1000))
    count = fields.Boolean(load_default=True, truthy={"true", "1"}, falsy={"false", "0"})
    country = fields.String(load_default=None, validate=validate.Regexp(r"^[A-Za-z]{2}\Z"))
    from_ = fields.String(data_key="from", load_default=None)
    to = fields.String(load_default=None)
    type = fields.String(load_default=None, validate=validate.Length(min=1, max=100))
    sort = fields.String(load_default="date", validate=validate.OneOf(("date", "-date")))

    @validates("from_", "to")
    def _partial(self, value: str | None, data_key: str, **kwargs: Any) -> None:
        if value is None:
            return
        try:
            partial_interval(value)
        except FilterError as exc:
            raise ValidationError(str(exc)) from None

    @validates("type")
    def _types(self, value: str | None, data_key: str, **kwargs: Any) -> None:
        if value is None:
            return
        unknown = [t for t in value.split(",") if t not in COLLECTIONS]
        if unknown:
            raise ValidationError(
                f"Unknown type(s): {', '.join(unknown)}; use " + ", ".join(COLLECTIONS) + "."
            )


def entry(row: Any) -> dict[str, Any]:
    """One dated fact: when, as stated, and a compact reference to it."""
    url = f"{api_root()}/{COLLECTIONS[row.type]}/{row.slug}"
    return {
        "date": format_partial(row.date, row.date_precision),
        "date_precision": row.date_precision,
        "date_as_stated": row.date_as_stated,
        "type": row.type,
        "resource": {"id": row.slug, "type": row.type, "name": row.name, "url": url},
    }
