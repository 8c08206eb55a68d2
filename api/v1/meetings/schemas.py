"""Meeting representations and seed input."""

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
    precision_in,
    ref_or_expanded,
    text_in,
    url_of,
)
from ..organizations.schemas import SLUG

KINDS = ("summit", "ministerial", "bilateral", "talks")
PARTICIPANT_ROLES = ("host", "participant", "chair", "counterpart")
ATTENDANCE = ("attended", "absent", "represented", "unknown")
OUTCOME_KINDS = ("joint_statement", "statement", "agreement", "topic")


def related_links(meeting: Any) -> dict[str, str]:
    return {"commitments": f"{url_of(meeting)}/commitments"}


class MeetingOut(Resource):
    TYPE = "meeting"
    kind = fields.String()
    title = fields.String()
    summary = fields.String()
    start_date = PartialDate()
    start_date_precision = fields.String()
    start_date_as_stated = fields.String()
    end_date = PartialDate()
    end_date_precision = fields.String()
    city = fields.String()
    country = Ref()
    host_country = Ref()
    parent = Ref()
    occasion = fields.String()
    links = fields.Function(related_links)


class ParticipantOut(Schema):
    participant = fields.Function(lambda row: ref_or_expanded(actor_of(row), "participant"))
    role = fields.String()
    attendance = fields.String()
    note = fields.String()
    evidence = fields.Function(evidence_of)


class OutcomeOut(Schema):
    kind = fields.String()
    title = fields.String()
    summary = fields.String()
    evidence = fields.Function(evidence_of)


class MeetingDetailOut(EvidenceMixin, MeetingOut):
    participants = fields.List(fields.Nested(ParticipantOut))
    outcomes = fields.List(fields.Nested(OutcomeOut))


class ParticipantIn(SeedSchema):
    country = fields.String(load_default=None)
    organization = fields.String(load_default=None)
    person = fields.String(load_default=None)
    role = fields.String(required=True, validate=validate.OneOf(PARTICIPANT_ROLES))
    attendance = fields.String(required=True, validate=validate.OneOf(ATTENDANCE))
    note = text_in(300)
    evidence = evidence_list()

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs: Any) -> None:
        actor_ids_in(data, ("country", "organization", "person"))


class OutcomeIn(SeedSchema):
    kind = fields.String(required=True, validate=validate.OneOf(OUTCOME_KINDS))
    title = text_in(required=True)
    summary = text_in(2000)
    evidence = evidence_list()


class MeetingIn(SeedSchema):
    id = fields.String(required=True, validate=SLUG)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title = text_in(required=True)
    summary = text_in(2000)
    start_date = date_in()
    start_date_precision = precision_in()
    start_date_as_stated = as_stated_in()
    end_date = date_in()
    end_date_precision = precision_in()
    city = text_in(120)
    country = fields.String(load_default=None, allow_none=True)
    host_country = fields.String(load_default=None, allow_none=True)
    parent = fields.String(load_default=None, allow_none=True)
    occasion = text_in(300)
    evidence = evidence_list()
    participants = fields.List(fields.Nested(ParticipantIn), load_default=list)
    outcomes = fields.List(fields.Nested(OutcomeIn), load_default=list)

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs: Any) -> None:
        check_partial_dates(data, "start_date", "end_date")


SUMMARIES[m.Meeting] = MeetingOut
