"""Typed SQLAlchemy models: the project's schema.

Portable SQL only (SQLite now, PostgreSQL for team servers): no SQLite-specific types or defaults.
Timestamps are RFC 3339 UTC strings as written in exchange files, so a round trip keeps their bytes.
Migration scripts define their own tables; they never import this module.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Setting(Base):
    """Project-wide settings (blind mode, schema facts) as key/value text."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class Coder(Base):
    __tablename__ = "coder"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The consensus layer is a pseudo-coder: it exports and merges like any coder.
    is_consensus: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[str] = mapped_column(String(40))
    # On a team server: the database role this coder logs in as (row-level security keys on it).
    db_role: Mapped[str | None] = mapped_column(String(63), unique=True, nullable=True)
    # Fields of an exchange file this version does not know (JSON), written back on export.
    extra: Mapped[str | None] = mapped_column(Text, nullable=True)


class Category(Base):
    __tablename__ = "category"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    color: Mapped[str] = mapped_column(String(7), default="#808080")
    parent_key: Mapped[str | None] = mapped_column(
        ForeignKey("category.key", onupdate="CASCADE"), nullable=True
    )
    shortcut: Mapped[str | None] = mapped_column(String(1), nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # A retired category is hidden from the palette; its annotations are kept.
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    updated: Mapped[str] = mapped_column(String(40))
    # Fields of an exchange file this version does not know (JSON), written back on export.
    extra: Mapped[str | None] = mapped_column(Text, nullable=True)
    # False for a REFI-QDA "category" that only groups codes (isCodable="false").
    codable: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Document(Base):
    __tablename__ = "document"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    source_name: Mapped[str] = mapped_column(String(500), default="")
    imported: Mapped[str] = mapped_column(String(40))
    # Plan metadata as analysts of peace agreements record it (all optional).
    date: Mapped[str | None] = mapped_column(String(40), nullable=True)
    party: Mapped[str | None] = mapped_column(String(300), nullable=True)
    source: Mapped[str | None] = mapped_column(Text, nullable=True)
    language: Mapped[str | None] = mapped_column(String(40), nullable=True)
    stage: Mapped[str | None] = mapped_column(String(40), nullable=True)
    revises: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Fields of an exchange file this version does not know (JSON), written back on export.
    extra: Mapped[str | None] = mapped_column(Text, nullable=True)
    memo: Mapped[str] = mapped_column(Text, default="", server_default="")


class Clause(Base):
    """A unit of coding, ``[start, end)`` in code points; identity: (document, start, end)."""

    __tablename__ = "clause"
    __table_args__ = (
        UniqueConstraint("document_key", "start", "end"),
        Index("ix_clause_document_start", "document_key", "start"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_key: Mapped[str] = mapped_column(ForeignKey("document.key", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default="paragraph")
    # Fields of an exchange file this version does not know (JSON), written back on export.
    extra: Mapped[str | None] = mapped_column(Text, nullable=True)


class Annotation(Base):
    """A category applied by a coder to a clause, or to a span inside it. Deleted = tombstone."""

    __tablename__ = "annotation"
    __table_args__ = (
        Index("ix_annotation_clause_coder", "clause_id", "coder_id"),
        Index("ix_annotation_coder", "coder_id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    coder_id: Mapped[str] = mapped_column(ForeignKey("coder.id"))
    clause_id: Mapped[int] = mapped_column(ForeignKey("clause.id"))
    category_key: Mapped[str] = mapped_column(ForeignKey("category.key", onupdate="CASCADE"))
    span_start: Mapped[int | None] = mapped_column(Integer, nullable=True)
    span_end: Mapped[int | None] = mapped_column(Integer, nullable=True)
    memo: Mapped[str] = mapped_column(Text, default="")
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    adjudicator: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created: Mapped[str] = mapped_column(String(40))
    updated: Mapped[str] = mapped_column(String(40))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Fields of an exchange file this version does not know (JSON), written back on export.
    extra: Mapped[str | None] = mapped_column(Text, nullable=True)


class Review(Base):
    """A coder's verdict on a clause: "done" (its tags are complete) or "none" (no category)."""

    __tablename__ = "review"
    __table_args__ = (Index("ix_review_clause", "clause_id"),)
    coder_id: Mapped[str] = mapped_column(ForeignKey("coder.id"), primary_key=True)
    clause_id: Mapped[int] = mapped_column(ForeignKey("clause.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(10))
    updated: Mapped[str] = mapped_column(String(40))
    # Un-marking leaves a tombstone, so an older exported review cannot come back.
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Fields of an exchange file this version does not know (JSON), written back on export.
    extra: Mapped[str | None] = mapped_column(Text, nullable=True)


class ClauseNote(Base):
    """A coder's memo and "uncertain" flag on a whole clause."""

    __tablename__ = "clause_note"
    __table_args__ = (Index("ix_clause_note_clause", "clause_id"),)
    coder_id: Mapped[str] = mapped_column(ForeignKey("coder.id"), primary_key=True)
    clause_id: Mapped[int] = mapped_column(ForeignKey("clause.id"), primary_key=True)
    memo: Mapped[str] = mapped_column(Text, default="")
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    updated: Mapped[str] = mapped_column(String(40))
    # Fields of an exchange file this version does not know (JSON), written back on export.
    extra: Mapped[str | None] = mapped_column(Text, nullable=True)


class RefiIdentity(Base):
    """A foreign REFI-QDA GUID (of a user, code, source or coding) and the row it became here."""

    __tablename__ = "refi_identity"
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    foreign_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    local_id: Mapped[str] = mapped_column(String(100))
    fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated: Mapped[str] = mapped_column(String(40))


TABLES = Base.metadata.tables


class ClauseLink(Base):
    """A clause of one plan linked to its counterpart in another; "rejected" = never suggest.

    Deleted = tombstone, so that an unlink merges like a removed annotation.
    """

    __tablename__ = "clause_link"
    __table_args__ = (
        Index("ix_clause_link_source", "source_clause_id"),
        Index("ix_clause_link_target", "target_clause_id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    source_clause_id: Mapped[int] = mapped_column(ForeignKey("clause.id"))
    target_clause_id: Mapped[int] = mapped_column(ForeignKey("clause.id"))
    coder_id: Mapped[str | None] = mapped_column(ForeignKey("coder.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(10))  # "accepted" | "rejected"
    created: Mapped[str] = mapped_column(String(40))
    updated: Mapped[str] = mapped_column(String(40))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Fields of an exchange file this version does not know (JSON), written back on export.
    extra: Mapped[str | None] = mapped_column(Text, nullable=True)
