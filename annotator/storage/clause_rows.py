"""What points at clauses: the rows that hang on a set of clauses, and whose work they are.

Removing a plan removes everything on its clauses first; splitting, joining or moving a clause is
refused when someone else's work is on it. Both read the rows that point at clauses here, over the
caller's open :class:`Connection`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection

from annotator.storage.models import TABLES
from annotator.storage.rows import REFERENCED
from annotator.storage.tables import T_ANNOTATION, T_LINK, T_NOTE, T_REVIEW


def rows_on_clauses(conn: Connection, clause_ids: list[int]) -> list[tuple[str, tuple[Any, ...]]]:
    """(table, primary key) of every row that points at one of the clauses, tombstones too.

    Annotations, then reviews, memos and links (:data:`annotator.storage.rows.REFERENCED`).
    """
    found: list[tuple[str, tuple[Any, ...]]] = []
    for name, columns in REFERENCED["clause"]:
        tbl = TABLES[name]
        pk = list(tbl.primary_key.columns)
        where = or_(*(tbl.c[col].in_(clause_ids) for col in columns))
        found.extend((name, tuple(row)) for row in conn.execute(select(*pk).where(where)))
    return found


def work_owners(conn: Connection, clause_ids: list[int]) -> set[str | None]:
    """The coder ids with rows (tombstones too) on the clauses; None for a project link."""
    owners: set[str | None] = set()
    for tbl in (T_ANNOTATION, T_REVIEW, T_NOTE):
        query = select(tbl.c.coder_id).where(tbl.c.clause_id.in_(clause_ids)).distinct()
        owners.update(conn.execute(query).scalars())
    touching = T_LINK.c.source_clause_id.in_(clause_ids) | T_LINK.c.target_clause_id.in_(clause_ids)
    owners.update(conn.execute(select(T_LINK.c.coder_id).where(touching).distinct()).scalars())
    return owners
