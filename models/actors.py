"""Who acts: countries, organizations with dated memberships, people with dated roles."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, as_stated, enum_str, intpk, name, optional_date, precision, slug, text
from .evidence import HasEvidence


def exactly_one(*columns: str) -> CheckConstraint:
    """A row that references one actor of several possible kinds names exactly one."""
    expr = " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns)
    return CheckConstraint(f"{expr} = 1", name="one_" + "_or_".join(c[:-3] for c in columns))


class Country(HasEvidence, Base):
    """ISO 3166-1 reference data; the facts point at it, its evidence shows where it is named."""

    __tablename__ = "countries"
    subject_type = "country"

    id: Mapped[intpk]
    iso2: Mapped[str] = mapped_column(String(2), unique=True, index=True)
    iso3: Mapped[str] = mapped_column(String(3), unique=True)
    numeric: Mapped[str] = mapped_column(String(3), unique=True)
    name: Mapped[name]
    official_name: Mapped[str | None] = mapped_column(String(300))
    region: Mapped[str | None] = mapped_column(String(100))
    wikidata: Mapped[str | None] = mapped_column(String(20))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="member_country", order_by="Membership.id", viewonly=True
    )


class Organization(HasEvidence, Base):
    """An intergovernmental body, grouping, agency or party."""

    __tablename__ = "organizations"
    subject_type = "organization"

    id: Mapped[intpk]
    slug: Mapped[slug]
    name: Mapped[name]
    short_name: Mapped[str | None] = mapped_column(String(60))
    kind: Mapped[enum_str]
    aliases: Mapped[list[str]] = mapped_column(default=list)
    country_id: Mapped[int | None] = mapped_column(ForeignKey("countries.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    description: Mapped[text]
    wikidata: Mapped[str | None] = mapped_column(String(20))

    country: Mapped[Country | None] = relationship()
    parent: Mapped[Organization | None] = relationship(remote_side="Organization.id")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organization",
        foreign_keys="Membership.organization_id",
        order_by="Membership.id",
        cascade="all, delete-orphan",
    )
    member_of: Mapped[list[Membership]] = relationship(
        foreign_keys="Membership.member_organization_id",
        order_by="Membership.id",
        viewonly=True,
    )


class Membership(HasEvidence, Base):
    """A country or organization in an organization, with a role over a dated span."""

    __tablename__ = "memberships"
    subject_type = "membership"
    __table_args__ = (
        exactly_one("member_country_id", "member_organization_id"),
        UniqueConstraint(
            "organization_id", "member_country_id", "member_organization_id", "role", "since"
        ),
    )

    id: Mapped[intpk]
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    member_country_id: Mapped[int | None] = mapped_column(ForeignKey("countries.id"), index=True)
    member_organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    role: Mapped[enum_str]  # member | chair | observer | partner
    since: Mapped[optional_date]
    since_precision: Mapped[precision]
    since_as_stated: Mapped[as_stated]
    until: Mapped[optional_date]
    until_precision: Mapped[precision]
    until_end: Mapped[optional_date]  # last day `until` may be: as-of queries compare intervals

    organization: Mapped[Organization] = relationship(
        back_populates="memberships", foreign_keys=[organization_id]
    )
    member_country: Mapped[Country | None] = relationship(back_populates="memberships")
    member_organization: Mapped[Organization | None] = relationship(
        foreign_keys=[member_organization_id]
    )


class Person(HasEvidence, Base):
    """A named person the sources mention."""

    __tablename__ = "people"
    subject_type = "person"

    id: Mapped[intpk]
    slug: Mapped[slug]
    name: Mapped[name]
    description: Mapped[text]
    wikidata: Mapped[str | None] = mapped_column(String(20))

    roles: Mapped[list[Role]] = relationship(
        back_populates="person", order_by="Role.id", cascade="all, delete-orphan"
    )


class Role(HasEvidence, Base):
    """An office a person held for a country or organization."""

    __tablename__ = "roles"
    subject_type = "role"
    __table_args__ = (UniqueConstraint("person_id", "office", "since"),)

    id: Mapped[intpk]
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    office: Mapped[str] = mapped_column(String(200))
    country_id: Mapped[int | None] = mapped_column(ForeignKey("countries.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    since: Mapped[optional_date]
    since_precision: Mapped[precision]
    until: Mapped[optional_date]
    until_precision: Mapped[precision]
    until_end: Mapped[optional_date]

    person: Mapped[Person] = relationship(back_populates="roles")
    country: Mapped[Country | None] = relationship()
    organization: Mapped[Organization | None] = relationship()
