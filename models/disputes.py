"""Territorial and maritime disputes, their claimants and features, and incidents at sea."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .actors import Country, Organization, exactly_one
from .base import (
    Base,
    as_stated,
    date_sort_indexes,
    enum_str,
    intpk,
    name,
    optional_date,
    precision,
    present_key_index,
    slug,
    sort_indexes,
    text,
)
from .evidence import HasEvidence


class Dispute(HasEvidence, Base):
    """A contested area: a sea, an island group, a shoal."""

    __tablename__ = "disputes"
    subject_type = "dispute"

    id: Mapped[intpk]
    slug: Mapped[slug]
    kind: Mapped[enum_str]  # territorial | maritime
    name: Mapped[name]
    aliases: Mapped[list[str]] = mapped_column(default=list)
    area: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[enum_str]  # active | escalating | dormant | resolved
    summary: Mapped[text]
    geometry: Mapped[dict[str, object] | None] = mapped_column()  # GeoJSON geometry

    claimants: Mapped[list[DisputeClaimant]] = relationship(
        back_populates="dispute", order_by="DisputeClaimant.id", cascade="all, delete-orphan"
    )
    features: Mapped[list[DisputeFeature]] = relationship(
        back_populates="dispute", order_by="DisputeFeature.id", cascade="all, delete-orphan"
    )


class DisputeClaimant(HasEvidence, Base):
    """A country that claims in a dispute, and what it claims."""

    __tablename__ = "dispute_claimants"
    subject_type = "dispute_claimant"

    id: Mapped[intpk]
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("countries.id"), index=True)
    role: Mapped[enum_str]  # claimant | rival_claimant | stakeholder
    claim: Mapped[str | None] = mapped_column(String(300))

    dispute: Mapped[Dispute] = relationship(back_populates="claimants")
    country: Mapped[Country] = relationship()


class DisputeFeature(HasEvidence, Base):
    """An island, shoal or built-up feature inside a disputed area."""

    __tablename__ = "dispute_features"
    subject_type = "dispute_feature"

    id: Mapped[intpk]
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    name: Mapped[name]
    kind: Mapped[enum_str]  # island_group | shoal | artificial_island
    inhabited: Mapped[bool | None] = mapped_column(Boolean)
    description: Mapped[text]
    geometry: Mapped[dict[str, object] | None] = mapped_column()

    dispute: Mapped[Dispute] = relationship(back_populates="features")


class Incident(HasEvidence, Base):
    """Something that happened at sea: a collision, water cannon, eviction attempt."""

    __tablename__ = "incidents"
    subject_type = "incident"

    id: Mapped[intpk]
    slug: Mapped[slug]
    kind: Mapped[enum_str]  # kind and title: indexed with the slug, below
    title: Mapped[name]
    summary: Mapped[text]
    occurred_on: Mapped[optional_date] = mapped_column(index=True)
    occurred_on_precision: Mapped[precision]
    occurred_on_as_stated: Mapped[as_stated]
    occurred_on_end: Mapped[optional_date]  # last day occurred_on may be
    # A pattern the sources describe as repeated ("regularly"), not one event.
    recurring: Mapped[bool] = mapped_column(Boolean, default=False)
    place: Mapped[str | None] = mapped_column(String(300))
    dispute_id: Mapped[int | None] = mapped_column(ForeignKey("disputes.id"), index=True)
    deaths: Mapped[int | None] = mapped_column(Integer)
    injuries: Mapped[int | None] = mapped_column(Integer)
    casualty_note: Mapped[str | None] = mapped_column(String(300))
    geometry: Mapped[dict[str, object] | None] = mapped_column()

    dispute: Mapped[Dispute | None] = relationship()
    actors: Mapped[list[IncidentActor]] = relationship(
        back_populates="incident", order_by="IncidentActor.id", cascade="all, delete-orphan"
    )
    accounts: Mapped[list[IncidentAccount]] = relationship(
        back_populates="incident", order_by="IncidentAccount.id", cascade="all, delete-orphan"
    )


INCIDENTS_BY_DATE = date_sort_indexes("incidents", Incident.occurred_on, Incident.slug)
INCIDENTS_BY_KEY = [
    sort_indexes("incidents", column, Incident.slug) for column in (Incident.kind, Incident.title)
]


class IncidentActor(HasEvidence, Base):
    """A country or organization involved in an incident, and how."""

    __tablename__ = "incident_actors"
    subject_type = "incident_actor"
    __table_args__ = (
        exactly_one("country_id", "organization_id"),
        present_key_index("incident_actors", "organization_id"),
    )

    id: Mapped[intpk]
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    country_id: Mapped[int | None] = mapped_column(ForeignKey("countries.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    role: Mapped[enum_str]  # initiator | target | party
    description: Mapped[str | None] = mapped_column(String(300))

    incident: Mapped[Incident] = relationship(back_populates="actors")
    country: Mapped[Country | None] = relationship()
    organization: Mapped[Organization | None] = relationship()


class IncidentAccount(HasEvidence, Base):
    """One side's version of an incident, where the sources differ."""

    __tablename__ = "incident_accounts"
    subject_type = "incident_account"

    id: Mapped[intpk]
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    country_id: Mapped[int | None] = mapped_column(ForeignKey("countries.id"))
    account: Mapped[str] = mapped_column(String(1000))

    incident: Mapped[Incident] = relationship(back_populates="accounts")
    country: Mapped[Country | None] = relationship()
