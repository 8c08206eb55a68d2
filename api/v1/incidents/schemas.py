"""Incident representations and seed input."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate, validates_schema

import models as m

from ..common import (
    SUMMARIES,
    EvidenceMixin,
    PartialDate,
    Ref,
    Resource,
    SeedSchema,
    actor_ids_in,
    actor_of,
    as_stated_in,
    check_partial_dates,
    date_in,
    evidence_list,
    evidence_of,
    nested_rows,
    precision_in,
    ref_or_expanded,
    text_in,
)
from ..disputes.schemas import Geometry
from ..organizations.schemas import SLUG

KINDS = ("collision", "water_cannon", "eviction_attempt", "harassment")
ACTOR_ROLES = ("initiator", "target", "party")


class ActorSummaryOut(Schema):
    actor = fields.Function(lambda row: ref_or_expanded(actor_of(row), "actor"))
    role = fields.String()
    description = fields.String()


class ActorOut(EvidenceMixin, ActorSummaryOut):
    pass


class AccountOut(Schema):
    country = Ref()
    account = fields.String()
    evidence = fields.Function(evidence_of)


class IncidentOut(Resource):
    TYPE = "incident"
    kind = fields.String()
    title = fields.String()
    summary = fields.String()
    occurred_on = PartialDate()
    occurred_on_precision = fields.String()
    occurred_on_as_stated = fields.String()
    recurring = fields.Boolean()
    place = fields.String()
    dispute = Ref()
    deaths = fields.Integer()
    injuries = fields.Integer()
    casualty_note = fields.String()
    actors = nested_rows(ActorSummaryOut, lambda i: i.actors, expand="actors", inner="actor")
    geometry = fields.Dict()


class IncidentDetailOut(EvidenceMixin, IncidentOut):
    actors = nested_rows(ActorOut, lambda i: i.actors, expand="actors", inner="actor")
    accounts = fields.List(fields.Nested(AccountOut))


class ActorIn(SeedSchema):
    country = fields.String(load_default=None)
    organization = fields.String(load_default=None)
    role = fields.String(required=True, validate=validate.OneOf(ACTOR_ROLES))
    description = text_in(300)
    evidence = evidence_list()

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs: Any) -> None:
        actor_ids_in(data, ("country", "organization"))


class AccountIn(SeedSchema):
    country = fields.String(load_default=None, allow_none=True)
    account = text_in(1000, required=True)
    evidence = evidence_list()


class IncidentIn(SeedSchema):
    id = fields.String(required=True, validate=SLUG)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title = text_in(required=True)
    summary = text_in(2000)
    occurred_on = date_in()
    occurred_on_precision = precision_in()
    occurred_on_as_stated = as_stated_in()
    recurring = fields.Boolean(load_default=False)
    place = text_in(300)
    dispute = fields.String(load_default=None, allow_none=True)
    deaths = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))
    injuries = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))
    casualty_note = text_in(300)
    geometry = Geometry(load_default=None, allow_none=True)
    evidence = evidence_list()
    actors = fields.List(fields.Nested(ActorIn), required=True, validate=validate.Length(min=1))
    accounts = fields.List(fields.Nested(AccountIn), load_default=list)

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs: Any) -> None:
        check_partial_dates(data, "occurred_on")


SUMMARIES[m.Incident] = IncidentOut
