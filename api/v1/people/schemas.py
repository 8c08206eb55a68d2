"""Person representations and seed input."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate, validates_schema

import models as m

from ...dumping import dump_many
from ..common import (
    SUMMARIES,
    EvidenceMixin,
    PartialDate,
    Ref,
    Resource,
    SeedSchema,
    check_partial_dates,
    date_in,
    evidence_list,
    evidence_of,
    in_force,
    precision_in,
    text_in,
    url_of,
)
from ..organizations.schemas import SLUG

RELATED = ("meetings", "commitments")


def related_links(person: Any) -> dict[str, str]:
    base = url_of(person)
    return {name: f"{base}/{name}" for name in RELATED}


class RoleOut(Schema):
    office = fields.String()
    country = Ref()
    organization = Ref()
    since = PartialDate()
    since_precision = fields.String()
    until = PartialDate()
    until_precision = fields.String()
    evidence = fields.Function(evidence_of)


class RoleSummaryOut(RoleOut):
    class Meta:
        exclude = ("evidence",)


class PersonOut(Resource):
    TYPE = "person"
    name = fields.String()
    description = fields.String()
    wikidata = fields.String()
    roles = fields.List(fields.Nested(RoleSummaryOut))
    links = fields.Function(related_links)


class PersonDetailOut(EvidenceMixin, PersonOut):
    roles = fields.Function(lambda p: dump_many(RoleOut, in_force(p.roles)))  # type: ignore[assignment]


class RoleIn(SeedSchema):
    office = text_in(200, required=True)
    country = fields.String(load_default=None, allow_none=True)
    organization = fields.String(load_default=None, allow_none=True)
    since = date_in()
    since_precision = precision_in()
    until = date_in()
    until_precision = precision_in()
    evidence = evidence_list()

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs: Any) -> None:
        check_partial_dates(data, "since", "until")


class PersonIn(SeedSchema):
    id = fields.String(required=True, validate=SLUG)
    name = text_in(required=True)
    description = text_in(2000)
    wikidata = fields.String(
        load_default=None, allow_none=True, validate=validate.Regexp(r"^Q\d+$")
    )
    evidence = evidence_list()
    roles = fields.List(fields.Nested(RoleIn), load_default=list)


SUMMARIES[m.Person] = PersonOut
