"""Meetings, who took part (and who stayed away) and what came out of them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
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
    present_key_index,
    slug,
    sort_indexes,
    text,
)
from .evidence import HasEvidence


class Meeting(HasEvidence, Base):
    """A summit, ministerial or bilateral meeting."""

    __tablename__ = "meetings"
    subject_type = "meeting"

    id: Mapped[intpk]
    slug: Mapped[slug]
    kind: Mapped[enum_str]  # summit | ministerial | bilateral | ...
    title: Mapped[name]
    summary: Mapped[text]
    start_date: Mapped[optional_date] = mapped_column(index=True)
    start_date_precision: Mapped[precision]
    start_date_as_stated: Mapped[as_stated]
    start_date_end: Mapped[optional_date]  # last day start_date may be (filters compare intervals)
    end_date: Mapped[optional_date]
    end_date_precision: Mapped[precision]
    city: Mapped[str | None] = mapped_column(String(120))
    country_id: Mapped[int | None] = mapped_column(ForeignKey("countries.id"), index=True)
    host_country_id: Mapped[int | None] = mapped_column(ForeignKey("countries.id"))
    # The occasion: a larger event this meeting was part of, and a free-text series name.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    occasion: Mapped[str | None] = mapped_column(String(300))

    country: Mapped[Country | None] = relationship(foreign_keys=[country_id])
    host_country: Mapped[Country | None] = relationship(foreign_keys=[host_country_id])
    parent: Mapped[Meeting | None] = relationship(remote_side="Meeting.id")
    participants: Mapped[list[MeetingParticipant]] = relationship(
        back_populates="meeting", order_by="MeetingParticipant.id", cascade="all, delete-orphan"
    )
    outcomes: Mapped[list[MeetingOutcome]] = relationship(
        back_populates="meeting", order_by="MeetingOutcome.id", cascade="all, delete-orphan"
    )


MEETINGS_BY_DATE = date_sort_indexes("meetings", Meeting.start_date, Meeting.slug)
MEETINGS_BY_KEY = [
    sort_indexes("meetings", column, Meeting.slug) for column in (Meeting.kind, Meeting.title)
]


class MeetingParticipant(HasEvidence, Base):
    """A country, organization or person at a meeting, with role and attendance."""

    __tablename__ = "meeting_participants"
    subject_type = "meeting_participant"
    __table_args__ = (
        exactly_one("country_id", "organization_id", "person_id"),
        UniqueConstraint("meeting_id", "country_id", "organization_id", "person_id"),
        present_key_index("meeting_participants", "organization_id"),
        present_key_index("meeting_participants", "person_id"),
    )

    id: Mapped[intpk]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    country_id: Mapped[int | None] = mapped_column(ForeignKey("countries.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    role: Mapped[enum_str]  # host | participant | chair | counterpart | ...
    attendance: Mapped[enum_str]  # attended | absent | represented | unknown
    note: Mapped[str | None] = mapped_column(String(300))

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
    country: Mapped[Country | None] = relationship()
    organization: Mapped[Organization | None] = relationship()
    person: Mapped[Person | None] = relationship()


class MeetingOutcome(HasEvidence, Base):
    """A joint statement, agreement or topic discussed at a meeting."""

    __tablename__ = "meeting_outcomes"
    subject_type = "meeting_outcome"

    id: Mapped[intpk]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    kind: Mapped[enum_str]  # joint_statement | statement | agreement | topic
    title: Mapped[name]
    summary: Mapped[text]

    meeting: Mapped[Meeting] = relationship(back_populates="outcomes")
