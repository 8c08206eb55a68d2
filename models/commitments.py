"""Commitments: who pledged what to whom, how much, and how its status moved."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .actors import Country, Organization, Person, exactly_one
from .base import (
    Base,
    as_stated,
    date_sort_indexes,
    enum_str,
    intpk,
    name,
    optional_date,
    precision,
    slug,
    sort_indexes,
    text,
)
from .evidence import HasEvidence
from .meetings import Meeting


class Commitment(HasEvidence, Base):
    """A pledge, agreement or promise of assistance."""

    __tablename__ = "commitments"
    subject_type = "commitment"

    id: Mapped[intpk]
    slug: Mapped[slug]
    title: Mapped[name]
    summary: Mapped[text]
    kind: Mapped[enum_str]  # kind, domain, status, title: indexed with the slug, below
    domain: Mapped[enum_str]
    status: Mapped[enum_str]  # current status; the dated history is in status_events
    made_on: Mapped[optional_date] = mapped_column(index=True)
    made_on_precision: Mapped[precision]
    made_on_as_stated: Mapped[as_stated]
    made_on_end: Mapped[optional_date]  # last day made_on may be (filters compare intervals)
    horizon_months: Mapped[int | None] = mapped_column(Integer)
    horizon_as_stated: Mapped[as_stated]
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)

    meeting: Mapped[Meeting | None] = relationship()
    made_by: Mapped[Person | None] = relationship()
    parties: Mapped[list[CommitmentParty]] = relationship(
        back_populates="commitment", order_by="CommitmentParty.id", cascade="all, delete-orphan"
    )
    items: Mapped[list[CommitmentItem]] = relationship(
        back_populates="commitment", order_by="CommitmentItem.id", cascade="all, delete-orphan"
    )
    amounts: Mapped[list[CommitmentAmount]] = relationship(
        back_populates="commitment", order_by="CommitmentAmount.id", cascade="all, delete-orphan"
    )
    status_events: Mapped[list[CommitmentStatusEvent]] = relationship(
        back_populates="commitment",
        order_by="CommitmentStatusEvent.id",
        cascade="all, delete-orphan",
    )


COMMITMENTS_BY_DATE = date_sort_indexes("commitments", Commitment.made_on, Commitment.slug)
# A filter on kind, domain or status with a date range (maritime pledges made 2015-2019)
# walks the key's index in slug order: the dates ride along so that rows out of the range
# are skipped without being read.
DATES = (Commitment.made_on, Commitment.made_on_end)
COMMITMENTS_BY_KEY = [
    sort_indexes("commitments", column, Commitment.slug, carry=carry)
    for column, carry in (
        (Commitment.kind, DATES),
        (Commitment.domain, DATES),
        (Commitment.status, DATES),
        (Commitment.title, ()),
    )
]


class CommitmentParty(HasEvidence, Base):
    """A giver or recipient: a country, an organization, or all members of one."""

    __tablename__ = "commitment_parties"
    subject_type = "commitment_party"
    __table_args__ = (
        exactly_one("country_id", "organization_id"),
        # A commitment's parties, and whether one of them is a given actor on a given side:
        # a filter on giver, recipient or party answers that from the index alone for each
        # commitment it walks (migration 0009).
        Index(
            "ix_commitment_parties_commitment_side_actor",
            "commitment_id",
            "side",
            "country_id",
            "organization_id",
        ),
    )

    id: Mapped[intpk]
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"))
    side: Mapped[enum_str]  # giver | recipient
    country_id: Mapped[int | None] = mapped_column(ForeignKey("countries.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    # "all_members": the organization's members each receive or give, not the body itself.
    scope: Mapped[str] = mapped_column(String(20), default="self")

    commitment: Mapped[Commitment] = relationship(back_populates="parties")
    country: Mapped[Country | None] = relationship()
    organization: Mapped[Organization | None] = relationship()


class CommitmentItem(HasEvidence, Base):
    """A thing promised, with a quantity whose certainty is stated."""

    __tablename__ = "commitment_items"
    subject_type = "commitment_item"

    id: Mapped[intpk]
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    unit: Mapped[str | None] = mapped_column(String(60))
    quantity_status: Mapped[enum_str]  # exact | approximate | unspecified

    commitment: Mapped[Commitment] = relationship(back_populates="items")


class CommitmentAmount(HasEvidence, Base):
    """Money: the stated amount, and any conversion a source reported beside it."""

    __tablename__ = "commitment_amounts"
    subject_type = "commitment_amount"

    id: Mapped[intpk]
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    currency: Mapped[str] = mapped_column(String(3))
    basis: Mapped[enum_str]  # stated | reported_conversion
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)

    commitment: Mapped[Commitment] = relationship(back_populates="amounts")


class CommitmentStatusEvent(HasEvidence, Base):
    """One dated step in a commitment's status history."""

    __tablename__ = "commitment_status_events"
    subject_type = "commitment_status_event"

    id: Mapped[intpk]
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    status: Mapped[enum_str]
    date: Mapped[optional_date]
    date_precision: Mapped[precision]
    date_as_stated: Mapped[as_stated]
    note: Mapped[str | None] = mapped_column(String(300))

    commitment: Mapped[Commitment] = relationship(back_populates="status_events")
