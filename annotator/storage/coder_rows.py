"""The coder table's rows: adding a coder, and the lists the services show.

Each function takes the caller's open :class:`Connection`; none commits on its own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from annotator.storage.tables import T_CODER


def insert_coder(conn: Connection, row: dict[str, Any]) -> None:
    """Add a coder row (an id already taken is the database's error)."""
    conn.execute(T_CODER.insert().values(**row))


def coder_ids_by_name(conn: Connection) -> list[str]:
    """Every coder's id (the consensus layer's too), by name."""
    return [str(i) for i in conn.execute(select(T_CODER.c.id).order_by(T_CODER.c.name)).scalars()]


def coder_names(conn: Connection) -> dict[str, str]:
    """Every coder's name by id."""
    return {i: n for i, n in conn.execute(select(T_CODER.c.id, T_CODER.c.name))}


def team_coders(conn: Connection) -> list[tuple[str, str]]:
    """The coders but the consensus layer, as (id, name), by name then id."""
    query = (
        select(T_CODER.c.id, T_CODER.c.name)
        .where(T_CODER.c.is_consensus == False)  # noqa: E712 - SQL expression
        .order_by(T_CODER.c.name, T_CODER.c.id)
    )
    return [(i, n) for i, n in conn.execute(query)]
