"""Organization representations and seed input."""

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
    actor_ids_in,
    as_stated_in,
    check_partial_dates,
    date_in,
    evidence_list,
    evidence_of,
    in_force,
    precision_in,
    ref_or_expanded,
    text_in,
    url_of,
)
from ..countries.schemas import MembershipOut

KINDS = (
    "intergovernmental_organization",
    "regional_grouping",
    "coast_guard",
    "ministry",
    "political_party",
    "initiative",
)
MEMBERSHIP_ROLES = ("member", "chair", "observer", "partner")
RELATED = ("members", "meetings", "commitments", "incidents")
SLUG = validate.Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", error="Must be a lower-case slug.")


def related_links(org: Any) -> dict[str, str]:
    base = url_of(org)
    return {name: f"{base}/{name}" for name in RELATED}


class OrganizationOut(Resource):
    TYPE = "organization"
    name = fields.String()
    short_name = fields.String()
    kind = fields.String()
    aliases = fields.List(fields.String())
    country = Ref()
    parent = Ref()
    description = fields.String()
    wikidata = fields.String()
    links = fields.Function(related_links)


class MemberOut(Schema):
    """A membership seen from the organization's side."""

    member = fields.Function(
        lambda row: ref_or_expanded(row.member_country or row.member_organization, "member")
    )
    role = fields.String()
    since = PartialDate()
    since_precision = fields.String()
    since_as_stated = fields.String()
    until = PartialDate()
    until_precision = fields.String()
    evidence = fields.Function(evidence_of)


class OrganizationDetailOut(EvidenceMixin, OrganizationOut):
    members = fields.Function(lambda o: dump_many(MemberOut, in_force(o.memberships)))
    memberships = fields.Function(lambda o: dump_many(MembershipOut, in_force(o.member_of)))


class MembershipIn(SeedSchema):
    country = fields.String(load_default=None)
    organization = fields.String(load_default=None)
    role = fields.String(required=True, validate=validate.OneOf(MEMBERSHIP_ROLES))
    since = date_in()
    since_precision = precision_in()
    since_as_stated = as_stated_in()
    until = date_in()
    until_precision = precision_in()
    evidence = evidence_list()

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs: Any) -> None:
        actor_ids_in(data, ("country", "organization"))
        check_partial_dates(data, "since", "until")


class OrganizationIn(SeedSchema):
    id = fields.String(required=True, validate=SLUG)
    name = text_in(required=True)
    short_name = text_in(60)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    aliases = fields.List(
        fields.String(validate=validate.Length(min=1, max=200)), load_default=list
    )
    country = fields.String(load_default=None, allow_none=True)
    parent = fields.String(load_default=None, allow_none=True)
    description = text_in(2000)
    wikidata = fields.String(
        load_default=None, allow_none=True, validate=validate.Regexp(r"^Q\d+$")
    )
    evidence = evidence_list()
    memberships = fields.List(fields.Nested(MembershipIn), load_default=list)


SUMMARIES[m.Organization] = OrganizationOut
