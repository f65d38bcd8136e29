"""The rows of plans and their clauses: reading and writing documents and clause rows.

Each function takes the caller's open :class:`Connection` (its transaction) and returns plain
rows (dicts), tuples or values; none opens or commits a transaction of its own. What a row means
(an import, a split, a re-segmentation) is the services' business.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from annotator.storage.tables import T_CLAUSE, T_DOCUMENT


def document_exists(conn: Connection, key: str) -> bool:
    """Whether the project holds the document ``key``."""
    found = conn.execute(select(T_DOCUMENT.c.key).where(T_DOCUMENT.c.key == key)).first()
    return found is not None


def document_text(conn: Connection, key: str) -> str | None:
    """The document's text, or None if there is no such document."""
    text = conn.execute(select(T_DOCUMENT.c.text).where(T_DOCUMENT.c.key == key)).scalar()
    return None if text is None else str(text)


def document_keys_and_titles(conn: Connection) -> list[tuple[str, str]]:
    """Every document's (key, title), in no particular order."""
    return [(k, t) for k, t in conn.execute(select(T_DOCUMENT.c.key, T_DOCUMENT.c.title))]


def document_revision_rows(conn: Connection) -> list[tuple[str, str | None, str | None, int]]:
    """Every document's (key, revises, date, position): what orders a plan's revisions."""
    query = select(T_DOCUMENT.c.key, T_DOCUMENT.c.revises, T_DOCUMENT.c.date, T_DOCUMENT.c.position)
    return [(k, r, d, p) for k, r, d, p in conn.execute(query)]


def next_document_position(conn: Connection) -> int:
    """The position after the last document's (0 in an empty project)."""
    last = conn.execute(select(func.coalesce(func.max(T_DOCUMENT.c.position), -1))).scalar_one()
    return int(last) + 1


def insert_document(conn: Connection, row: dict[str, Any]) -> None:
    """Add a document row."""
    conn.execute(T_DOCUMENT.insert().values(**row))


def clause_count(conn: Connection, key: str) -> int:
    """How many clauses the document has."""
    query = select(func.count()).where(T_CLAUSE.c.document_key == key)
    return int(conn.execute(query).scalar_one())


def clause_ids(conn: Connection, key: str) -> list[int]:
    """The ids of the document's clauses."""
    query = select(T_CLAUSE.c.id).where(T_CLAUSE.c.document_key == key)
    return [int(i) for i in conn.execute(query).scalars()]


def clause_rows(conn: Connection, key: str) -> list[dict[str, Any]]:
    """The document's clause rows in text order (as the clause list shows them)."""
    query = (
        select(T_CLAUSE)
        .where(T_CLAUSE.c.document_key == key)
        .order_by(T_CLAUSE.c.start, T_CLAUSE.c.end)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def next_clause_row(conn: Connection, key: str, after: int) -> dict[str, Any] | None:
    """The document's first clause (in text order) that starts at or after offset ``after``."""
    query = (
        select(T_CLAUSE)
        .where(T_CLAUSE.c.document_key == key, T_CLAUSE.c.start >= after)
        .order_by(T_CLAUSE.c.start, T_CLAUSE.c.end)
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row is not None else None


def insert_clauses(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Add clause rows in one statement (ids are the database's)."""
    if rows:
        conn.execute(T_CLAUSE.insert(), rows)


def insert_clause(conn: Connection, values: dict[str, Any]) -> int:
    """Add one clause row; returns the id the database gave it."""
    inserted = conn.execute(T_CLAUSE.insert().values(**values)).inserted_primary_key
    assert inserted is not None
    return int(inserted[0])
