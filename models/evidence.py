"""Sources, verbatim evidence quotes and the links that attach them to any fact row."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, and_
from sqlalchemy.orm import Mapped, declared_attr, foreign, mapped_column, relationship

from .base import Base, enum_str, intpk, name, optional_date, precision, slug, text


class Source(Base):
    """A document a fact comes from: a seed article or a public reference record."""

    __tablename__ = "sources"

    id: Mapped[intpk]
    slug: Mapped[slug]
    kind: Mapped[enum_str]  # news_article | reference
    title: Mapped[name]
    publisher: Mapped[str | None] = mapped_column(String(200))
    published_on: Mapped[optional_date]
    published_on_precision: Mapped[precision]
    url: Mapped[str | None] = mapped_column(String(500))
    # File name of the full text in the source-text folder (kept outside the project).
    document: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(8))
    notes: Mapped[text]

    evidence: Mapped[list[Evidence]] = relationship(back_populates="source", order_by="Evidence.id")


class Evidence(Base):
    """A verbatim quote (or, for reference records, a citation without quote)."""

    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("source_id", "quote_key"),)

    id: Mapped[intpk]
    # Looked up through the unique (source_id, quote_key) index: no index of its own.
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    quote: Mapped[text]
    # The quote itself is unbounded text; uniqueness is enforced on a bounded key.
    quote_key: Mapped[str] = mapped_column(String(64))
    paragraph: Mapped[int | None] = mapped_column(Integer)

    source: Mapped[Source] = relationship(back_populates="evidence", lazy="joined", innerjoin=True)


class EvidenceLink(Base):
    """Attaches one evidence item to one fact row (generic association by type + id)."""

    __tablename__ = "evidence_links"
    __table_args__ = (
        UniqueConstraint("evidence_id", "subject_type", "subject_id", "supports"),
        Index("ix_evidence_links_subject", "subject_type", "subject_id"),
    )

    id: Mapped[intpk]
    # Leads the unique index below, which serves lookups by evidence: no index of its own.
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column(Integer)
    # Which part of the fact the evidence supports: the fact itself or one attribute.
    supports: Mapped[str] = mapped_column(String(40), default="fact")
    note: Mapped[str | None] = mapped_column(String(300))

    evidence: Mapped[Evidence] = relationship(lazy="joined", innerjoin=True)


class HasEvidence:
    """Mixin: a fact row whose `evidence_links` are the EvidenceLinks pointing at it."""

    subject_type: ClassVar[str]

    @declared_attr
    def evidence_links(cls) -> Mapped[list[EvidenceLink]]:  # noqa: N805
        return relationship(
            EvidenceLink,
            primaryjoin=lambda: and_(
                EvidenceLink.subject_type == cls.subject_type,
                foreign(EvidenceLink.subject_id) == cls.id,  # type: ignore[attr-defined]
            ),
            viewonly=True,
            order_by=EvidenceLink.id,
        )
