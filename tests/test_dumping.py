"""Compiled dumpers (api/dumping.py) give exactly what the marshmallow schemas give."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from marshmallow import Schema
from sqlalchemy import select

import models as m
from api import db
from api.dumping import compiled
from api.v1.commitments.schemas import CommitmentDetailOut, CommitmentOut
from api.v1.common import set_api_root
from api.v1.countries.schemas import CountryDetailOut, CountryOut
from api.v1.disputes.schemas import DisputeDetailOut, DisputeOut
from api.v1.incidents.schemas import IncidentDetailOut, IncidentOut
from api.v1.meetings.schemas import MeetingDetailOut, MeetingOut
from api.v1.organizations.schemas import OrganizationDetailOut, OrganizationOut
from api.v1.people.schemas import PersonDetailOut, PersonOut
from api.v1.sources.schemas import SourceDetailOut, SourceOut

SCHEMAS: list[tuple[type[Any], type[Schema]]] = [
    (m.Country, CountryOut),
    (m.Country, CountryDetailOut),
    (m.Organization, OrganizationOut),
    (m.Organization, OrganizationDetailOut),
    (m.Person, PersonOut),
    (m.Person, PersonDetailOut),
    (m.Meeting, MeetingOut),
    (m.Meeting, MeetingDetailOut),
    (m.Commitment, CommitmentOut),
    (m.Commitment, CommitmentDetailOut),
    (m.Dispute, DisputeOut),
    (m.Dispute, DisputeDetailOut),
    (m.Incident, IncidentOut),
    (m.Incident, IncidentDetailOut),
    (m.Source, SourceOut),
    (m.Source, SourceDetailOut),
]


@pytest.mark.parametrize(("model", "schema"), SCHEMAS, ids=lambda v: getattr(v, "__name__", v))
def test_compiled_dump_equals_the_schemas_dump_on_every_seed_row(
    app: Flask, model: type[Any], schema: type[Schema]
) -> None:
    with app.test_request_context("/api/v1/"):
        set_api_root()
        objs = db.session().scalars(select(model)).all()
        assert objs, f"no {model.__name__} in the seeds"
        for obj in objs:
            assert compiled(schema)(obj) == schema().dump(obj)


def test_compiled_dump_honours_only(app: Flask) -> None:
    only = ("id", "type", "url", "title", "givers")
    with app.test_request_context("/api/v1/"):
        set_api_root()
        for obj in db.session().scalars(select(m.Commitment)).all():
            dumped = compiled(CommitmentOut, only)(obj)
            assert dumped == CommitmentOut(only=only).dump(obj)
            assert list(dumped) == ["id", "type", "url", "title", "givers"]
