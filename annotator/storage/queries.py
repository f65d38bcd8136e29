"""Public row-level queries over a connection: the SQL the services share.

Each function takes an open :class:`~sqlalchemy.engine.Connection` (the caller's transaction) and
returns plain rows (dicts) or values; none opens or commits a transaction of its own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from annotator.core.codebook import Category as CategoryValue
from annotator.core.errors import EditError
from annotator.storage.first_screen import category_value
from annotator.storage.rows import read_row
from annotator.storage.tables import (
    T_ANNOTATION,
    T_CATEGORY,
    T_CLAUSE,
    T_CODER,
    T_DOCUMENT,
    T_LINK,
    T_REVIEW,
    T_SETTING,
)


def clause_row(conn: Connection, clause_id: int) -> dict[str, Any]:
    """The clause's row; an :class:`EditError` if the project has no such clause."""
    row = read_row(conn, "clause", (clause_id,))
    if row is None:
        raise EditError(f"no clause {clause_id} in this project")
    return row


def category_row(cat: CategoryValue, stamp: str) -> dict[str, Any]:
    """The category table's row for a codebook category, updated at ``stamp``."""
    return {
        "key": cat.key,
        "name": cat.name,
        "description": cat.description,
        "color": cat.color,
        "parent_key": cat.parent,
        "shortcut": cat.shortcut,
        "position": cat.position,
        "retired": cat.retired,
        "codable": cat.codable,
        "updated": stamp,
    }


def category_name(conn: Connection, key: str) -> str:
    """The category's name; an :class:`EditError` if the codebook has no such key."""
    name = conn.execute(select(T_CATEGORY.c.name).where(T_CATEGORY.c.key == key)).scalar()
    if name is None:
        raise EditError(f"no category {key!r} in the codebook")
    return str(name)


def coded_clause_ids(coder_id: str) -> Any:
    """A selectable of the clause ids the coder has tagged or reviewed (live rows only)."""
    tagged = select(T_ANNOTATION.c.clause_id).where(
        T_ANNOTATION.c.coder_id == coder_id,
        T_ANNOTATION.c.deleted == False,  # noqa: E712
    )
    reviewed = select(T_REVIEW.c.clause_id).where(
        T_REVIEW.c.coder_id == coder_id,
        T_REVIEW.c.deleted == False,  # noqa: E712
    )
    return tagged.union(reviewed)


# -- plain readers (the project's lists) ---------------------------------------------------------


def setting_value(conn: Connection, key: str) -> str | None:
    """The setting's value, or None if it was never set."""
    return conn.execute(select(T_SETTING.c.value).where(T_SETTING.c.key == key)).scalar()


def coder_rows(conn: Connection) -> list[dict[str, Any]]:
    """Every coder's row, by name (then id)."""
    rows = conn.execute(select(T_CODER).order_by(T_CODER.c.name, T_CODER.c.id)).mappings()
    return [dict(r) for r in rows]


def categories(conn: Connection, *, include_retired: bool = False) -> list[CategoryValue]:
    """The codebook in order (position, then key); retired categories only if asked for."""
    query = select(T_CATEGORY).order_by(T_CATEGORY.c.position, T_CATEGORY.c.key)
    if not include_retired:
        query = query.where(T_CATEGORY.c.retired == False)  # noqa: E712 - SQL expression
    return [category_value(r) for r in conn.execute(query).mappings()]


def clause_counts(conn: Connection) -> dict[str, int]:
    """The number of clauses of each document, by document key (documents without none omitted)."""
    query = select(T_CLAUSE.c.document_key, func.count()).group_by(T_CLAUSE.c.document_key)
    return dict(conn.execute(query).all())


def coded_clause_counts(conn: Connection, coder_id: str) -> dict[str, int]:
    """The number of clauses the coder has tagged or reviewed in each document, by document key."""
    doc_of = select(T_CLAUSE.c.document_key, func.count()).where(
        T_CLAUSE.c.id.in_(coded_clause_ids(coder_id))
    )
    return dict(conn.execute(doc_of.group_by(T_CLAUSE.c.document_key)).all())


def coded_clause_count(conn: Connection, coder_id: str, key: str) -> int:
    """The number of the document's clauses the coder has tagged or reviewed."""
    query = select(func.count()).where(
        T_CLAUSE.c.document_key == key, T_CLAUSE.c.id.in_(coded_clause_ids(coder_id))
    )
    return int(conn.execute(query).scalar() or 0)


def document_list(conn: Connection) -> list[tuple[str, str, int]]:
    """Every document's (key, title, position), in the plan list's order."""
    query = select(T_DOCUMENT.c.key, T_DOCUMENT.c.title, T_DOCUMENT.c.position).order_by(
        T_DOCUMENT.c.position, T_DOCUMENT.c.title
    )
    return list(conn.execute(query).all())


def document_row(conn: Connection, key: str) -> dict[str, Any] | None:
    """The document's row (with its text), or None."""
    row = conn.execute(select(T_DOCUMENT).where(T_DOCUMENT.c.key == key)).mappings().first()
    return dict(row) if row is not None else None


def clause_list(conn: Connection, key: str) -> list[tuple[int, str, int, int, str]]:
    """The document's clauses as (id, label, start, end, kind), in text order."""
    query = (
        select(T_CLAUSE.c.id, T_CLAUSE.c.label, T_CLAUSE.c.start, T_CLAUSE.c.end, T_CLAUSE.c.kind)
        .where(T_CLAUSE.c.document_key == key)
        .order_by(T_CLAUSE.c.start, T_CLAUSE.c.end)
    )
    return list(conn.execute(query).all())


def clause_document_key(conn: Connection, clause_id: int) -> str | None:
    """The key of the document the clause belongs to, or None if there is no such clause."""
    return conn.execute(select(T_CLAUSE.c.document_key).where(T_CLAUSE.c.id == clause_id)).scalar()


def links_touching(conn: Connection, clause_id: int) -> list[dict[str, Any]]:
    """Every clause link with ``clause_id`` at either end."""
    query = select(T_LINK).where(
        (T_LINK.c.source_clause_id == clause_id) | (T_LINK.c.target_clause_id == clause_id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]
