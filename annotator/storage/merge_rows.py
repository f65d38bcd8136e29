"""The reads and writes of applying a merge: whole tables by primary key, rows put by table name.

The merge service decides every row's new image from the merged exchange document, and records
each change for undo; these functions only read the rows it compares against and write the images
it chose, inside its transaction. Tables are named as in :data:`annotator.storage.models.TABLES`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, and_, select
from sqlalchemy.engine import Connection

from annotator.storage.models import TABLES

Key = tuple[Any, ...]


def _table(name: str) -> Table:
    return TABLES[name]


def _where(tbl: Table, key: Key) -> Any:
    cols = list(tbl.primary_key.columns)
    return and_(*(col == value for col, value in zip(cols, key, strict=True)))


def rows_by_key(conn: Connection, table: str) -> dict[Key, dict[str, Any]]:
    """Every row of ``table``, by its primary key (a tuple)."""
    tbl = _table(table)
    pk = [c.name for c in tbl.primary_key.columns]
    return {tuple(r[c] for c in pk): dict(r) for r in conn.execute(select(tbl)).mappings()}


def insert_row(conn: Connection, table: str, values: dict[str, Any]) -> Key | None:
    """Insert one row; its primary key as the database gave it (an autoincrement id)."""
    inserted = conn.execute(_table(table).insert().values(**values)).inserted_primary_key
    return tuple(inserted) if inserted is not None else None


def insert_rows(conn: Connection, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows with the same columns in one statement (executemany)."""
    if rows:
        conn.execute(_table(table).insert(), list(rows))


def update_row(conn: Connection, table: str, key: Key, values: dict[str, Any]) -> None:
    """Set ``values`` on the row whose primary key is ``key``."""
    tbl = _table(table)
    conn.execute(tbl.update().where(_where(tbl, key)).values(**values))


def delete_row(conn: Connection, table: str, key: Key) -> None:
    """Remove the row whose primary key is ``key`` (nothing if there is none)."""
    tbl = _table(table)
    conn.execute(tbl.delete().where(_where(tbl, key)))
