"""Dispute representations and seed input."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

import models as m

from ..common import (
    SUMMARIES,
    EvidenceMixin,
    Ref,
    Resource,
    SeedSchema,
    evidence_list,
    evidence_of,
    nested_rows,
    text_in,
    url_of,
)
from ..organizations.schemas import SLUG

KINDS = ("territorial", "maritime")
STATUSES = ("active", "escalating", "dormant", "resolved")
CLAIMANT_ROLES = ("claimant", "rival_claimant")
FEATURE_KINDS = ("island_group", "shoal", "artificial_island")
GEOMETRY_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
)


class Geometry(fields.Dict):
    """A GeoJSON geometry object (RFC 7946), or null where unknown."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        loaded = super()._deserialize(value, attr, data, **kwargs)  # type: ignore[no-untyped-call]
        if loaded.get("type") not in GEOMETRY_TYPES:
            raise ValidationError("Must be a GeoJSON geometry object.")
        return loaded


def related_links(dispute: Any) -> dict[str, str]:
    return {"incidents": f"{url_of(dispute)}/incidents"}


class ClaimantSummaryOut(Schema):
    country = Ref()
    role = fields.String()
    claim = fields.String()


class ClaimantOut(EvidenceMixin, ClaimantSummaryOut):
    pass


class FeatureOut(Schema):
    name = fields.String()
    kind = fields.String()
    inhabited = fields.Boolean()
    description = fields.String()
    geometry = fields.Dict()
    evidence = fields.Function(evidence_of)


class DisputeOut(Resource):
    TYPE = "dispute"
    kind = fields.String()
    name = fields.String()
    aliases = fields.List(fields.String())
    area = fields.String()
    status = fields.String()
    summary = fields.String()
    claimants = nested_rows(
        ClaimantSummaryOut, lambda d: d.claimants, expand="claimants", inner="country"
    )
    geometry = fields.Dict()
    links = fields.Function(related_links)


class DisputeDetailOut(EvidenceMixin, DisputeOut):
    claimants = nested_rows(ClaimantOut, lambda d: d.claimants, expand="claimants", inner="country")
    features = fields.List(fields.Nested(FeatureOut))


class ClaimantIn(SeedSchema):
    country = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(CLAIMANT_ROLES))
    claim = text_in(300)
    evidence = evidence_list()


class FeatureIn(SeedSchema):
    name = text_in(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(FEATURE_KINDS))
    inhabited = fields.Boolean(load_default=None, allow_none=True)
    description = text_in(2000)
    geometry = Geometry(load_default=None, allow_none=True)
    evidence = evidence_list()


class DisputeIn(SeedSchema):
    id = fields.String(required=True, validate=SLUG)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    name = text_in(required=True)
    aliases = fields.List(
        fields.String(validate=validate.Length(min=1, max=200)), load_default=list
    )
    area = text_in(200)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    summary = text_in(2000)
    geometry = Geometry(load_default=None, allow_none=True)
    evidence = evidence_list()
    claimants = fields.List(
        fields.Nested(ClaimantIn), required=True, validate=validate.Length(min=1)
    )
    features = fields.List(fields.Nested(FeatureIn), load_default=list)


SUMMARIES[m.Dispute] = DisputeOut
