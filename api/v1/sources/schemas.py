"""Source representations and seed input."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate, validates_schema

import models as m

from ...dumping import dump_many
from ..common import (
    SUMMARIES,
    PartialDate,
    Resource,
    SeedSchema,
    check_partial_dates,
    date_in,
    precision_in,
    text_in,
)
from ..organizations.schemas import SLUG

KINDS = ("news_article", "reference")


class SourceOut(Resource):
    TYPE = "source"
    kind = fields.String()
    title = fields.String()
    publisher = fields.String()
    published_on = PartialDate()
    published_on_precision = fields.String()
    web_url = fields.String(attribute="url")
    document = fields.String()
    language = fields.String()
    notes = fields.String()


class QuoteOut(Schema):
    quote = fields.String()
    locator = fields.Function(lambda ev: {"paragraph": ev.paragraph} if ev.paragraph else None)


class SourceDetailOut(SourceOut):
    quotes = fields.Method("_quotes")

    def _quotes(self, source: Any) -> list[dict[str, Any]]:
        quoted = [ev for ev in source.evidence if ev.quote is not None]
        return dump_many(QuoteOut, quoted)  # type: ignore[no-any-return]


class SourceIn(SeedSchema):
    id = fields.String(required=True, validate=SLUG)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title = text_in(required=True)
    publisher = text_in(200)
    published_on = date_in()
    published_on_precision = precision_in()
    url = fields.Url(load_default=None, allow_none=True, schemes={"http", "https"})
    document = fields.String(
        load_default=None, allow_none=True, validate=validate.Regexp(r"^[\w.-]+$")
    )
    language = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=8))
    notes = text_in(2000)

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs: Any) -> None:
        check_partial_dates(data, "published_on")


SUMMARIES[m.Source] = SourceOut
