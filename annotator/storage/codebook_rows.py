"""The category table's rows, over the caller's open :class:`Connection`.

The codebook as values (:func:`annotator.storage.queries.categories`) is what most readers want;
the codebook editor works on whole rows, so that an edit keeps columns it does not know.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from annotator.storage.tables import T_CATEGORY


def category_rows(conn: Connection) -> list[dict[str, Any]]:
    """Every category row (retired ones too), by position then key."""
    query = select(T_CATEGORY).order_by(T_CATEGORY.c.position, T_CATEGORY.c.key)
    return [dict(r) for r in conn.execute(query).mappings()]


def category_count(conn: Connection) -> int:
    """How many categories the codebook has (retired ones too)."""
    return int(conn.execute(select(func.count()).select_from(T_CATEGORY)).scalar_one())


def insert_category(conn: Connection, row: dict[str, Any]) -> None:
    """Add a category row."""
    conn.execute(T_CATEGORY.insert().values(**row))
