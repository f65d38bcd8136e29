"""The clause link rows between two plans, over the caller's open :class:`Connection`.

A link between two clauses is one row whichever plan is shown on the left, so the query looks
for it both ways. Which row speaks for a pair is the links service's business.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection

from annotator.storage.tables import T_CLAUSE, T_LINK


def pair_link_rows(conn: Connection, doc_a: str, doc_b: str) -> list[dict[str, Any]]:
    """Every link row (tombstones too) between a clause of ``doc_a`` and one of ``doc_b``, by id."""
    src = T_CLAUSE.alias("src")
    tgt = T_CLAUSE.alias("tgt")
    query = (
        select(T_LINK)
        .join(src, src.c.id == T_LINK.c.source_clause_id)
        .join(tgt, tgt.c.id == T_LINK.c.target_clause_id)
        .where(
            or_(
                (src.c.document_key == doc_a) & (tgt.c.document_key == doc_b),
                (src.c.document_key == doc_b) & (tgt.c.document_key == doc_a),
            )
        )
        .order_by(T_LINK.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]
