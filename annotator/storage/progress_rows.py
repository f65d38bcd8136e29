"""How many clauses each coder has coded in each plan: counts, never the coding itself.

A clause counts as coded by a coder when it carries a live annotation or a live review of theirs.
On a team server row-level security hides other coders' rows in blind mode, so there the counts
come from ``annotator_coded_counts()`` (migration 0005), a SECURITY DEFINER function that returns
numbers and never tags.
"""

from __future__ import annotations

from sqlalchemy import func, select, text, union
from sqlalchemy.engine import Connection

from annotator.storage.tables import T_ANNOTATION, T_CLAUSE, T_REVIEW

COUNTS_FUNCTION = "annotator_coded_counts"


def coded_counts(conn: Connection) -> dict[tuple[str, str], int]:
    """``{(coder_id, document_key): coded clauses}``, through RLS on a server."""
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            text(f"SELECT coder_id, document_key, coded FROM {COUNTS_FUNCTION}()")
        ).all()
    else:
        # UNION (not ALL): a clause both tagged and reviewed counts once. On SQLite this beats
        # count(DISTINCT) over UNION ALL (260 vs 317 ms, 20 coders x 10,000 clauses all coded).
        work = union(
            select(T_ANNOTATION.c.coder_id, T_ANNOTATION.c.clause_id).where(
                T_ANNOTATION.c.deleted == False  # noqa: E712
            ),
            select(T_REVIEW.c.coder_id, T_REVIEW.c.clause_id).where(
                T_REVIEW.c.deleted == False  # noqa: E712
            ),
        ).subquery()
        rows = conn.execute(
            select(work.c.coder_id, T_CLAUSE.c.document_key, func.count())
            .join(T_CLAUSE, T_CLAUSE.c.id == work.c.clause_id)
            .group_by(work.c.coder_id, T_CLAUSE.c.document_key)
        ).all()
    return {(str(c), str(k)): int(n) for c, k, n in rows}
