"""Country representations and the seed enrichment input."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

import models as m

from ...dumping import dump_many
from ..common import (
    SUMMARIES,
    EvidenceMixin,
    PartialDate,
    Ref,
    Resource,
    SeedSchema,
    evidence_list,
    evidence_of,
    in_force,
    url_of,
)

RELATED = ("memberships", "people", "meetings", "commitments", "disputes", "incidents")


def related_links(country: Any) -> dict[str, str]:
    base = url_of(country)
    return {name: f"{base}/{name}" for name in RELATED}


class CountryOut(Resource):
    TYPE = "country"
    name = fields.String()
    official_name = fields.String()
    iso2 = fields.String()
    iso3 = fields.String()
    numeric = fields.String()
    region = fields.String()
    wikidata = fields.String()
    links = fields.Function(related_links)


class MembershipOut(Schema):
    """A membership seen from the member's side."""

    organization = Ref()
    role = fields.String()
    since = PartialDate()
    since_precision = fields.String()
    since_as_stated = fields.String()
    until = PartialDate()
    until_precision = fields.String()
    evidence = fields.Function(evidence_of)


class CountryDetailOut(EvidenceMixin, CountryOut):
    """Evidence on a country shows where the sources name it; the facts carry their own."""

    memberships = fields.Function(lambda c: dump_many(MembershipOut, in_force(c.memberships)))


class CountryIn(SeedSchema):
    """Seed enrichment of ISO reference data (the rows themselves come from pycountry)."""

    id = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}$"))
    wikidata = fields.String(load_default=None, validate=validate.Regexp(r"^Q\d+$"))
    region = fields.String(load_default=None, validate=validate.Length(max=100))
    evidence = evidence_list(required=False)


SUMMARIES[m.Country] = CountryOut
