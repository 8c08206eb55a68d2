"""Commitment representations and seed input."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

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
from ..organizations.schemas import SLUG

KINDS = (
    "equipment_transfer",
    "financing",
    "training",
    "cooperation_agreement",
    "capacity_building",
    "security_assistance",
    "policy_commitment",
)
DOMAINS = (
    "maritime_security",
    "defence",
    "energy",
    "digital",
    "supply_chains",
    "rule_of_law",
    "economic",
    "security",
)
STATUSES = ("announced", "pledged", "agreed", "signed", "delivered", "cancelled")
SCOPES = ("self", "all_members")
QUANTITY_STATUSES = ("exact", "approximate", "unspecified")
AMOUNT_BASES = ("stated", "reported_conversion")


def _money(row: Any) -> int | float:
    """Amounts as JSON numbers (the Money object of the conventions); integral ones as ints."""
    value: Decimal = row.amount
    return int(value) if value == value.to_integral_value() else float(value)


class PartySummaryOut(Schema):
    party = fields.Function(lambda row: ref_or_expanded(actor_of(row), "party"))
    scope = fields.String()


class PartyOut(EvidenceMixin, PartySummaryOut):
    pass


class AmountSummaryOut(Schema):
    amount = fields.Function(_money)
    currency = fields.String()
    basis = fields.String()
    approximate = fields.Boolean()


class AmountOut(EvidenceMixin, AmountSummaryOut):
    pass


class ItemOut(Schema):
    description = fields.String()
    quantity = fields.Function(
        lambda row: None if row.quantity is None else _quantity(row.quantity)
    )
    unit = fields.String()
    quantity_status = fields.String()
    evidence = fields.Function(evidence_of)


def _quantity(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


class StatusEventOut(Schema):
    status = fields.String()
    date = PartialDate()
    date_precision = fields.String()
    date_as_stated = fields.String()
    note = fields.String()
    evidence = fields.Function(evidence_of)


def _side(side: str, nested: type[Schema]) -> fields.Function:
    return nested_rows(
        nested, lambda c: [p for p in c.parties if p.side == side], expand=f"{side}s", inner="party"
    )


class CommitmentOut(Resource):
    TYPE = "commitment"
    title = fields.String()
    summary = fields.String()
    kind = fields.String()
    domain = fields.String()
    status = fields.String()
    made_on = PartialDate()
    made_on_precision = fields.String()
    made_on_as_stated = fields.String()
    horizon_months = fields.Integer()
    horizon_as_stated = fields.String()
    meeting = Ref()
    made_by = Ref()
    givers = _side("giver", PartySummaryOut)
    recipients = _side("recipient", PartySummaryOut)
    amounts = fields.List(fields.Nested(AmountSummaryOut))


class CommitmentDetailOut(EvidenceMixin, CommitmentOut):
    givers = _side("giver", PartyOut)
    recipients = _side("recipient", PartyOut)
    amounts = fields.List(fields.Nested(AmountOut))
    items = fields.List(fields.Nested(ItemOut))
    status_history = fields.List(fields.Nested(StatusEventOut), attribute="status_events")


class PartyIn(SeedSchema):
    country = fields.String(load_default=None)
    organization = fields.String(load_default=None)
    scope = fields.String(load_default="self", validate=validate.OneOf(SCOPES))
    evidence = evidence_list()

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs: Any) -> None:
        actor_ids_in(data, ("country", "organization"))


class ItemIn(SeedSchema):
    description = text_in(required=True)
    quantity = fields.Decimal(load_default=None, allow_none=True, validate=validate.Range(min=0))
    unit = text_in(60)
    quantity_status = fields.String(required=True, validate=validate.OneOf(QUANTITY_STATUSES))
    evidence = evidence_list()

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs: Any) -> None:
        if (data["quantity"] is None) != (data["quantity_status"] == "unspecified"):
            raise ValidationError(
                "quantity is null exactly when quantity_status is 'unspecified'.", "quantity"
            )


class AmountIn(SeedSchema):
    amount = fields.Decimal(required=True, validate=validate.Range(min=0))
    currency = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{3}$"))
    basis = fields.String(required=True, validate=validate.OneOf(AMOUNT_BASES))
    approximate = fields.Boolean(load_default=False)
    evidence = evidence_list()


class StatusEventIn(SeedSchema):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    date = date_in()
    date_precision = precision_in()
    date_as_stated = as_stated_in()
    note = text_in(300)
    evidence = evidence_list()

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs: Any) -> None:
        check_partial_dates(data, "date")


class CommitmentIn(SeedSchema):
    id = fields.String(required=True, validate=SLUG)
    title = text_in(required=True)
    summary = text_in(2000)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    domain = fields.String(required=True, validate=validate.OneOf(DOMAINS))
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    made_on = date_in()
    made_on_precision = precision_in()
    made_on_as_stated = as_stated_in()
    horizon_months = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1)
    )
    horizon_as_stated = as_stated_in()
    meeting = fields.String(load_default=None, allow_none=True)
    made_by = fields.String(load_default=None, allow_none=True)
    evidence = evidence_list()
    givers = fields.List(fields.Nested(PartyIn), required=True, validate=validate.Length(min=1))
    # Empty for joint pledges with no recipient ("will join hands").
    recipients = fields.List(fields.Nested(PartyIn), load_default=list)
    items = fields.List(fields.Nested(ItemIn), load_default=list)
    amounts = fields.List(fields.Nested(AmountIn), load_default=list)
    status_history = fields.List(
        fields.Nested(StatusEventIn), required=True, validate=validate.Length(min=1)
    )

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs: Any) -> None:
        check_partial_dates(data, "made_on")


SUMMARIES[m.Commitment] = CommitmentOut
