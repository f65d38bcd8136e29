"""The project's schema as SQLAlchemy Core tables on one :data:`METADATA`.

Core ``Table`` objects, not ORM classes: nothing in the project maps rows to objects, and
``sqlalchemy.orm`` costs about a tenth of a second at start-up. Portable SQL only (SQLite now,
PostgreSQL for team servers): no SQLite-specific types or defaults. Timestamps are RFC 3339 UTC
strings as written in exchange files, so a round trip keeps their bytes. Migration scripts define
their own tables; they never import this module (a test compares the two).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

METADATA = MetaData(naming_convention=NAMING_CONVENTION)


def _stamp(name: str) -> Column[str]:
    """An RFC 3339 UTC timestamp, required."""
    return Column(name, String(40), nullable=False)


def _extra() -> Column[str]:
    """Fields of an exchange file this version does not know (JSON), written back on export."""
    return Column("extra", Text, nullable=True)


#: Project-wide settings (blind mode, schema facts) as key/value text.
SETTING = Table(
    "setting",
    METADATA,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False, default=""),
)

CODER = Table(
    "coder",
    METADATA,
    Column("id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    # The consensus layer is a pseudo-coder: it exports and merges like any coder.
    Column("is_consensus", Boolean, nullable=False, default=False),
    _stamp("created"),
    # On a team server: the database role this coder logs in as (row-level security keys on it).
    Column("db_role", String(63), unique=True, nullable=True),
    _extra(),
)

CATEGORY = Table(
    "category",
    METADATA,
    Column("key", String(100), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("color", String(7), nullable=False, default="#808080"),
    Column("parent_key", ForeignKey("category.key", onupdate="CASCADE"), nullable=True),
    Column("shortcut", String(1), nullable=True),
    Column("position", Integer, nullable=False, default=0),
    # A retired category is hidden from the palette; its annotations are kept.
    Column("retired", Boolean, nullable=False, default=False),
    _stamp("updated"),
    _extra(),
    # False for a REFI-QDA "category" that only groups codes (isCodable="false").
    Column("codable", Boolean, nullable=False, default=True, server_default=true()),
)

DOCUMENT = Table(
    "document",
    METADATA,
    Column("key", String(64), primary_key=True),
    Column("title", String(500), nullable=False),
    Column("text", Text, nullable=False),
    Column("position", Integer, nullable=False, default=0),
    Column("source_name", String(500), nullable=False, default=""),
    _stamp("imported"),
    # Plan metadata as analysts of peace agreements record it (all optional).
    Column("date", String(40), nullable=True),
    Column("party", String(300), nullable=True),
    Column("source", Text, nullable=True),
    Column("language", String(40), nullable=True),
    Column("stage", String(40), nullable=True),
    Column("revises", String(64), nullable=True),
    _extra(),
    Column("memo", Text, nullable=False, default="", server_default=""),
)

#: A unit of coding, ``[start, end)`` in code points; identity: (document, start, end).
CLAUSE = Table(
    "clause",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_key", ForeignKey("document.key", ondelete="CASCADE"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("label", String(100), nullable=False),
    Column("kind", String(20), nullable=False, default="paragraph"),
    _extra(),
    UniqueConstraint("document_key", "start", "end"),
    Index("ix_clause_document_start", "document_key", "start"),
)

#: A category applied by a coder to a clause, or to a span inside it. Deleted = tombstone.
ANNOTATION = Table(
    "annotation",
    METADATA,
    Column("id", String(36), primary_key=True),
    Column("coder_id", ForeignKey("coder.id"), nullable=False),
    Column("clause_id", ForeignKey("clause.id"), nullable=False),
    Column("category_key", ForeignKey("category.key", onupdate="CASCADE"), nullable=False),
    Column("span_start", Integer, nullable=True),
    Column("span_end", Integer, nullable=True),
    Column("memo", Text, nullable=False, default=""),
    Column("uncertain", Boolean, nullable=False, default=False, server_default=false()),
    Column("adjudicator", String(200), nullable=True),
    _stamp("created"),
    _stamp("updated"),
    Column("deleted", Boolean, nullable=False, default=False),
    _extra(),
    Index("ix_annotation_clause_coder", "clause_id", "coder_id"),
    Index("ix_annotation_coder", "coder_id"),
)

#: A coder's verdict on a clause: "done" (its tags are complete) or "none" (no category).
REVIEW = Table(
    "review",
    METADATA,
    Column("coder_id", ForeignKey("coder.id"), primary_key=True),
    Column("clause_id", ForeignKey("clause.id"), primary_key=True),
    Column("status", String(10), nullable=False),
    _stamp("updated"),
    # Un-marking leaves a tombstone, so an older exported review cannot come back.
    Column("deleted", Boolean, nullable=False, default=False, server_default=false()),
    _extra(),
    Index("ix_review_clause", "clause_id"),
)

#: A coder's memo and "uncertain" flag on a whole clause.
CLAUSE_NOTE = Table(
    "clause_note",
    METADATA,
    Column("coder_id", ForeignKey("coder.id"), primary_key=True),
    Column("clause_id", ForeignKey("clause.id"), primary_key=True),
    Column("memo", Text, nullable=False, default=""),
    Column("flagged", Boolean, nullable=False, default=False),
    _stamp("updated"),
    _extra(),
    Index("ix_clause_note_clause", "clause_id"),
)

#: A foreign REFI-QDA GUID (of a user, code, source or coding) and the row it became here.
REFI_IDENTITY = Table(
    "refi_identity",
    METADATA,
    Column("kind", String(20), primary_key=True),
    Column("foreign_id", String(100), primary_key=True),
    Column("local_id", String(100), nullable=False),
    Column("fingerprint", String(64), nullable=True),
    _stamp("updated"),
    # The foreign project a GUID was learnt from ("" before revision 0010, and for fingerprints):
    # see core.refi.source_of.
    Column("source", Text, nullable=False, default="", server_default=""),
)

#: A clause of one plan linked to its counterpart in another; "rejected" = never suggest.
#: Deleted = tombstone, so that an unlink merges like a removed annotation.
CLAUSE_LINK = Table(
    "clause_link",
    METADATA,
    Column("id", String(36), primary_key=True),
    Column("source_clause_id", ForeignKey("clause.id"), nullable=False),
    Column("target_clause_id", ForeignKey("clause.id"), nullable=False),
    Column("coder_id", ForeignKey("coder.id"), nullable=True),
    Column("status", String(10), nullable=False),  # "accepted" | "rejected"
    _stamp("created"),
    _stamp("updated"),
    Column("deleted", Boolean, nullable=False, default=False, server_default=false()),
    _extra(),
    Index("ix_clause_link_source", "source_clause_id"),
    Index("ix_clause_link_target", "target_clause_id"),
)

#: Every table by name (what the storage and the services look tables up in).
TABLES = METADATA.tables
